export { sealEnvelope, openEnvelope, MAX_ENVELOPE, MAX_ENVELOPE_PAYLOAD } from './envelope.js';
export { mailboxTopic, mailboxClientId, isMailboxTopic } from './topics.js';
export { Inbox, type InboxStats } from './inbox.js';
