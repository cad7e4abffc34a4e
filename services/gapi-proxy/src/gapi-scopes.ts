/** The OAuth scopes each Google API family is called with: read-only, the least each method needs. */
export const GapiScopes = {
  directoryDomains: ["https://www.googleapis.com/auth/admin.directory.domain.readonly"],
  directoryUsers: ["https://www.googleapis.com/auth/admin.directory.user.readonly"],
  directoryGroups: ["https://www.googleapis.com/auth/admin.directory.group.readonly"],
  gmail: ["https://www.googleapis.com/auth/gmail.readonly"],
} as const satisfies Record<string, readonly string[]>;

/** Every scope the service ever asks for: what `authenticate` accepts, and what delegation must grant. */
export const allGapiScopes: readonly string[] = [...new Set(Object.values(GapiScopes).flat())];
