// Public entry of @zendesk-lifecycle/service-runtime: what the consumer and the producer both run on.
export { createLogger, REDACTED_PATHS, type Logger } from './logger.js';
export { envLogLevel, LOG_LEVELS } from './log-level.js';
export { kafkaSettingsFromEnv, TOPIC_DEFAULTS, type KafkaSettings } from './kafka/settings.js';
export { createKafka } from './kafka/client.js';
export { ensureTopics, type TopicRole } from './kafka/topics.js';
export { readTopicToEnd } from './kafka/read-topic.js';
export { loadPolicy } from './policy.js';
export { readConfigParts } from './config-parts.js';
export { renderTable, type TableStyle } from './output/table.js';
export { STOP_SIGNALS, untilStopSignal } from './stop-signal.js';
