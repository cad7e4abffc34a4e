import { type FakeAnswer, googleError, isAnswer, ok, page } from "./fake-google-answers.js";
import type { FakeDirectory, FakeMessage } from "./fake-google-data.js";

const READ_SCOPES = ["https://www.googleapis.com/auth/gmail.readonly", "https://www.googleapis.com/auth/gmail.modify", "https://mail.google.com/"];
const SYSTEM_LABELS = ["INBOX", "SENT", "UNREAD", "STARRED", "IMPORTANT", "TRASH", "SPAM", "DRAFT"];

/** A request under `/gmail/v1/users/`: `[userId, resource, id?]`, the query, and the caller's token. */
export interface GmailRequest {
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly sub: string;
  readonly scopes: readonly string[];
}

/**
 * Gmail messages, threads and labels (list and get) of the mailbox the token's subject owns: another
 * user's mailbox is 403, as with Google. Undefined: not a Gmail path.
 */
export function answerGmail(directory: FakeDirectory, request: GmailRequest): FakeAnswer | undefined {
  const [userId, resource, id, extra] = request.segments;
  if (!userId || !["messages", "threads", "labels"].includes(resource ?? "") || extra !== undefined) return undefined;
  if (!request.scopes.some((scope) => READ_SCOPES.includes(scope))) return googleError(403, "Request had insufficient authentication scopes.", "insufficientPermissions");
  if (userId !== "me" && userId.toLowerCase() !== request.sub.toLowerCase()) return googleError(403, `Delegation denied for ${request.sub}`, "forbidden");
  const user = directory.users.find((u) => u.primaryEmail === request.sub);
  if (!user) return googleError(400, "Mail service not enabled", "failedPrecondition");
  if (resource === "labels") {
    const labels = [...new Set([...SYSTEM_LABELS, ...user.messages.flatMap((m) => m.labelIds)])].map(labelJson);
    if (id === undefined) return ok({ labels });
    return labels.find((label) => label.id === id) ? ok(labels.find((label) => label.id === id)) : googleError(404, "Requested entity was not found.", "notFound");
  }
  const format = request.query.get("format") ?? "full";
  const matching = user.messages.filter(matches(request.query)).sort((a, b) => b.internalDate - a.internalDate);
  if (resource === "messages") {
    if (id !== undefined) {
      const message = user.messages.find((m) => m.id === id);
      return message ? ok(messageJson(message, format)) : googleError(404, "Requested entity was not found.", "notFound");
    }
    const result = page(matching, request.query, 100, 500);
    if (isAnswer(result)) return result;
    return ok({
      ...(result.items.length > 0 && { messages: result.items.map((m) => ({ id: m.id, threadId: m.threadId })) }),
      ...(result.nextPageToken && { nextPageToken: result.nextPageToken }),
      resultSizeEstimate: result.items.length,
    });
  }
  if (id !== undefined) {
    const messages = user.messages.filter((m) => m.threadId === id);
    return messages.length > 0 ? ok({ id, historyId: "1000", messages: messages.map((m) => messageJson(m, format)) }) : googleError(404, "Requested entity was not found.", "notFound");
  }
  const threadIds = [...new Set(matching.map((m) => m.threadId))];
  const result = page(threadIds, request.query, 100, 500);
  if (isAnswer(result)) return result;
  return ok({
    ...(result.items.length > 0 && { threads: result.items.map((threadId) => ({ id: threadId, snippet: snippet(matching.find((m) => m.threadId === threadId)!), historyId: "1000" })) }),
    ...(result.nextPageToken && { nextPageToken: result.nextPageToken }),
    resultSizeEstimate: result.items.length,
  });
}

/** Gmail's search, the part tests use: `from:`, `to:`, `subject:`, `is:unread`, `in:`/`label:`, plain words; `labelIds=`. */
function matches(query: URLSearchParams): (message: FakeMessage) => boolean {
  const terms = (query.get("q") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const labelIds = query.getAll("labelIds");
  return (message) =>
    labelIds.every((label) => message.labelIds.includes(label)) &&
    terms.every((term) => {
      const [key, value] = term.includes(":") ? (term.split(/:(.*)/s) as [string, string]) : ["", term];
      if (key === "from") return message.from.toLowerCase().includes(value);
      if (key === "to") return message.to.toLowerCase().includes(value);
      if (key === "subject") return message.subject.toLowerCase().includes(value);
      if (key === "is") return message.labelIds.includes(value.toUpperCase());
      if (key === "in" || key === "label") return message.labelIds.includes(value.toUpperCase());
      return `${message.subject} ${message.body} ${message.from}`.toLowerCase().includes(term);
    });
}

const snippet = (message: FakeMessage) => message.body.slice(0, 100);

function messageJson(message: FakeMessage, format: string) {
  const minimal = {
    id: message.id,
    threadId: message.threadId,
    labelIds: message.labelIds,
    snippet: snippet(message),
    historyId: "1000",
    internalDate: String(message.internalDate),
    sizeEstimate: message.body.length + 200,
  };
  if (format === "minimal") return minimal;
  const headers = [
    { name: "From", value: message.from },
    { name: "To", value: message.to },
    { name: "Subject", value: message.subject },
    { name: "Date", value: new Date(message.internalDate).toUTCString() },
  ];
  if (format === "metadata") return { ...minimal, payload: { mimeType: "text/plain", headers } };
  const data = Buffer.from(message.body).toString("base64url");
  return { ...minimal, payload: { partId: "", mimeType: "text/plain", filename: "", headers, body: { size: message.body.length, data } } };
}

const labelJson = (id: string) => ({ id, name: id, type: SYSTEM_LABELS.includes(id) ? "system" : "user" });
