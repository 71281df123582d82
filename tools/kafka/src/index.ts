// A real local Apache Kafka broker from Maven Central artifacts.
export {};
