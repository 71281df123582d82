// The Kafka consumer service: validate, plan, act, audit, publish the result, commit.
export {};
