/** A mail as the fake Gmail holds it; `id`/`threadId` are given or made up. */
export interface FakeMessageSeed {
  readonly subject: string;
  readonly from: string;
  readonly body?: string;
  readonly labelIds?: readonly string[];
  /** Messages sharing a thread id form one thread; default: a thread of its own. */
  readonly threadId?: string;
}

export interface FakeUserSeed {
  /** The local part (`ada`) or the whole address. */
  readonly email: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly isAdmin?: boolean;
  readonly messages?: readonly FakeMessageSeed[];
}

export interface FakeGroupSeed {
  /** The local part or the whole address. */
  readonly email: string;
  readonly name?: string;
}

export interface FakeDomainSeed {
  readonly users: readonly FakeUserSeed[];
  readonly groups?: readonly FakeGroupSeed[];
}

export interface FakeMessage {
  readonly id: string;
  readonly threadId: string;
  readonly subject: string;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly labelIds: readonly string[];
  /** Epoch ms. */
  readonly internalDate: number;
}

export interface FakeUser {
  readonly id: string;
  readonly primaryEmail: string;
  readonly domain: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly isAdmin: boolean;
  readonly messages: readonly FakeMessage[];
}

export interface FakeGroup {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly domain: string;
}

/** The whole fake tenant: domains in order (the first is primary), users and groups by domain. */
export interface FakeDirectory {
  readonly domains: readonly string[];
  readonly users: readonly FakeUser[];
  readonly groups: readonly FakeGroup[];
}

/** Three domains, four users each (the first user of the first domain an admin), three mails per user, two groups per domain. */
export function defaultGoogleDomains(): Record<string, FakeDomainSeed> {
  const names = ["ada", "grace", "alan", "edsger"];
  return Object.fromEntries(
    ["alpha.example", "beta.example", "gamma.example"].map((domain, d) => [
      domain,
      {
        users: names.map((name, u) => ({
          email: name,
          givenName: name[0]!.toUpperCase() + name.slice(1),
          familyName: `of ${domain}`,
          isAdmin: d === 0 && u === 0,
          messages: [
            { subject: `Welcome to ${domain}`, from: `admin@${domain}`, labelIds: ["INBOX"] },
            { subject: "Quarterly report", from: `reports@${domain}`, body: "The numbers are in.", labelIds: ["INBOX", "UNREAD"] },
            { subject: "Re: Quarterly report", from: `${name}@${domain}`, body: "Thanks!", labelIds: ["SENT"] },
          ],
        })),
        groups: [{ email: "staff", name: `Staff of ${domain}` }, { email: "engineering", name: "Engineering" }],
      },
    ]),
  );
}

/** Builds the tenant from seeds; ids are stable, derived from positions. */
export function buildDirectory(seeds: Record<string, FakeDomainSeed>): FakeDirectory {
  const users: FakeUser[] = [];
  const groups: FakeGroup[] = [];
  let clock = Date.UTC(2024, 0, 1);
  for (const [domain, seed] of Object.entries(seeds)) {
    for (const user of seed.users) {
      const primaryEmail = user.email.includes("@") ? user.email : `${user.email}@${domain}`;
      const userNumber = users.length + 1;
      const messages = (user.messages ?? []).map((message, m): FakeMessage => {
        const id = `m${userNumber.toString(16)}x${(m + 1).toString(16).padStart(4, "0")}`;
        clock += 60_000;
        return {
          id,
          threadId: message.threadId ?? (message.subject.startsWith("Re: ") ? `m${userNumber.toString(16)}x${m.toString(16).padStart(4, "0")}` : id),
          subject: message.subject,
          from: message.from,
          to: primaryEmail,
          body: message.body ?? `${message.subject}.`,
          labelIds: message.labelIds ?? ["INBOX"],
          internalDate: clock,
        };
      });
      const local = primaryEmail.split("@")[0]!;
      users.push({
        id: String(100_000_000_000 + userNumber),
        primaryEmail,
        domain,
        givenName: user.givenName ?? local,
        familyName: user.familyName ?? domain,
        isAdmin: user.isAdmin ?? false,
        messages,
      });
    }
    for (const group of seed.groups ?? []) {
      const email = group.email.includes("@") ? group.email : `${group.email}@${domain}`;
      groups.push({ id: `0${(groups.length + 1).toString(16).padStart(14, "0")}`, email, name: group.name ?? email, domain });
    }
  }
  return { domains: Object.keys(seeds), users, groups };
}
