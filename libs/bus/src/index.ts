export { connectNats } from "./connection.js";
export { consumerName } from "./consumer-name.js";
export { type DeadLetter, deadLetterSubject } from "./dead-letter.js";
export { DEFAULT_EVENT_STREAM_OPTIONS, ensureEventStream, eventStreamName, type EventStreamOptions } from "./event-stream.js";
export { ForwardErrorsFilter } from "./forward-errors.filter.js";
export { JetStreamContext } from "./jetstream-context.js";
export { jetStreamPublisher } from "./jetstream-publisher.js";
export { JetStreamTransport, type JetStreamTransportOptions } from "./jetstream-transport.js";
export { createJetStreamMicroservice } from "./microservice.js";
