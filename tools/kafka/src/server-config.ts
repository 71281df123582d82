// server.properties and log4j2.properties for a combined broker+controller KRaft node on loopback.

export interface NodeConfig {
  nodeId: number;
  host: string;
  brokerPort: number;
  controllerPort: number;
  dataDir: string;
  /** `id@host:port` of every controller; one entry for a single node. */
  voters: string[];
  /** Replication factor of internal topics and the default for new topics. */
  replicationFactor: number;
  minInsyncReplicas: number;
  extra?: Record<string, string | number | boolean>;
}

export function serverProperties(config: NodeConfig): string {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': config.nodeId,
    'controller.quorum.voters': config.voters.join(','),
    listeners: `PLAINTEXT://${config.host}:${config.brokerPort},CONTROLLER://${config.host}:${config.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${config.host}:${config.brokerPort}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': config.dataDir,
    'num.partitions': 1,
    // Topics are created explicitly, as in production.
    'auto.create.topics.enable': false,
    'default.replication.factor': config.replicationFactor,
    'min.insync.replicas': config.minInsyncReplicas,
    'offsets.topic.replication.factor': config.replicationFactor,
    'offsets.topic.num.partitions': 6,
    'transaction.state.log.replication.factor': config.replicationFactor,
    'transaction.state.log.min.isr': config.minInsyncReplicas,
    'transaction.state.log.num.partitions': 3,
    'share.coordinator.state.topic.replication.factor': config.replicationFactor,
    'share.coordinator.state.topic.min.isr': config.minInsyncReplicas,
    // A new group starts at once, and a killed member is evicted within seconds.
    'group.initial.rebalance.delay.ms': 0,
    'group.min.session.timeout.ms': 1000,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'log.retention.hours': 24,
    ...config.extra,
  };
  return (
    Object.entries(props)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n') + '\n'
  );
}

/** Log4j 2 configuration that writes the broker's log to a file, never to the terminal. */
export function log4jProperties(): string {
  return [
    'status = warn',
    'appender.file.type = File',
    'appender.file.name = file',
    'appender.file.fileName = ${sys:kafka.logs.dir}/server.log',
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = %d{ISO8601} %-5p [%c] %m%n',
    'rootLogger.level = info',
    'rootLogger.appenderRef.file.ref = file',
    'logger.request.name = kafka.request.logger',
    'logger.request.level = warn',
    'logger.state.name = state.change.logger',
    'logger.state.level = warn',
    'logger.kafkaApis.name = kafka.server.KafkaApis',
    'logger.kafkaApis.level = warn',
    '',
  ].join('\n');
}
