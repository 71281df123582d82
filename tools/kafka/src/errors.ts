// Errors a person can act on: what is missing and the two ways forward.

export class KafkaToolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KafkaToolError';
  }
}

export const USE_EXTERNAL_HINT = 'or set KAFKA_BROKERS=host:port to use an existing cluster';
