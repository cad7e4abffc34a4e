import { type FakeAnswer, googleError, isAnswer, ok, page } from "./fake-google-answers.js";
import type { FakeDirectory, FakeGroup, FakeUser } from "./fake-google-data.js";

export const FAKE_CUSTOMER_ID = "C0fake000";
const DIRECTORY = "https://www.googleapis.com/auth/admin.directory";

/** A request the directory answers: path under `/admin/directory/v1/`, query, and the caller's token. */
export interface DirectoryRequest {
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly sub: string;
  readonly scopes: readonly string[];
}

/** Admin SDK Directory: domains, users, groups (list and get), as `admin` of the tenant; undefined: not a directory path. */
export function answerDirectory(directory: FakeDirectory, request: DirectoryRequest): FakeAnswer | undefined {
  const [first, second, third, fourth] = request.segments;
  const resource = first === "customer" && third === "domains" ? "domain" : first === "users" ? "user" : first === "groups" ? "group" : undefined;
  if (!resource) return undefined;
  if (!request.scopes.some((scope) => scope === `${DIRECTORY}.${resource}.readonly` || scope === `${DIRECTORY}.${resource}`)) {
    return googleError(403, "Request had insufficient authentication scopes.", "insufficientPermissions");
  }
  const caller = directory.users.find((user) => user.primaryEmail === request.sub);
  if (!caller?.isAdmin) return googleError(403, "Not Authorized to access this resource/api", "forbidden");
  if (resource === "domain") {
    if (second !== "my_customer" && second !== FAKE_CUSTOMER_ID) return googleError(400, "Bad Request", "badRequest");
    if (fourth === undefined) return ok({ kind: "admin#directory#domains", domains: directory.domains.map((name, i) => domainJson(name, i === 0)) });
    const index = directory.domains.indexOf(fourth);
    return index < 0 ? googleError(404, "Domain not found.", "notFound") : ok(domainJson(fourth, index === 0));
  }
  if (resource === "user") {
    if (second !== undefined) {
      const user = directory.users.find((u) => u.primaryEmail === second || u.id === second);
      return user ? ok(userJson(user)) : googleError(404, "Resource Not Found: userKey", "notFound");
    }
    const scoped = inScope(directory, request.query, directory.users);
    if (isAnswer(scoped)) return scoped;
    const sorted = [...scoped].sort(userOrder(request.query.get("orderBy")));
    if (request.query.get("sortOrder") === "DESCENDING") sorted.reverse();
    const result = page(sorted, request.query, 100, 500);
    return isAnswer(result) ? result : ok({ kind: "admin#directory#users", users: result.items.map(userJson), ...(result.nextPageToken && { nextPageToken: result.nextPageToken }) });
  }
  if (second !== undefined) {
    const group = directory.groups.find((g) => g.email === second || g.id === second);
    return group ? ok(groupJson(group)) : googleError(404, "Resource Not Found: groupKey", "notFound");
  }
  const scoped = inScope(directory, request.query, directory.groups);
  if (isAnswer(scoped)) return scoped;
  const result = page(scoped, request.query, 200, 200);
  return isAnswer(result) ? result : ok({ kind: "admin#directory#groups", groups: result.items.map(groupJson), ...(result.nextPageToken && { nextPageToken: result.nextPageToken }) });
}

/** The entries of `?domain=` or of the whole `?customer=`; one of them is required. */
function inScope<T extends { domain: string }>(directory: FakeDirectory, query: URLSearchParams, entries: readonly T[]): readonly T[] | FakeAnswer {
  const domain = query.get("domain");
  const customer = query.get("customer");
  if (domain) return directory.domains.includes(domain) ? entries.filter((entry) => entry.domain === domain) : googleError(403, "Not Authorized to access this resource/api", "forbidden");
  if (customer === "my_customer" || customer === FAKE_CUSTOMER_ID) return entries;
  return googleError(400, "Bad Request", "badRequest");
}

function userOrder(orderBy: string | null): (a: FakeUser, b: FakeUser) => number {
  if (orderBy === "givenName") return (a, b) => a.givenName.localeCompare(b.givenName);
  if (orderBy === "familyName") return (a, b) => a.familyName.localeCompare(b.familyName);
  if (orderBy === "email") return (a, b) => a.primaryEmail.localeCompare(b.primaryEmail);
  return () => 0;
}

const domainJson = (domainName: string, isPrimary: boolean) => ({
  kind: "admin#directory#domain",
  domainName,
  isPrimary,
  verified: true,
  creationTime: "1704067200000",
});

const userJson = (user: FakeUser) => ({
  kind: "admin#directory#user",
  id: user.id,
  primaryEmail: user.primaryEmail,
  name: { givenName: user.givenName, familyName: user.familyName, fullName: `${user.givenName} ${user.familyName}` },
  isAdmin: user.isAdmin,
  suspended: false,
  orgUnitPath: "/",
  customerId: FAKE_CUSTOMER_ID,
});

const groupJson = (group: FakeGroup) => ({ kind: "admin#directory#group", id: group.id, email: group.email, name: group.name, directMembersCount: "0" });
