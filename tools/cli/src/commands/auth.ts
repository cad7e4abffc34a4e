import type { Command } from "commander";
import { ApiKeyRole, Namespace } from "@tasker/contracts";
import { CliError, EXIT_USAGE } from "../cli-error.js";
import { table } from "../output/table.js";
import type { CommandContext } from "./command-context.js";

interface CreateOptions {
  namespace: string;
  role: string;
}

/** A value checked by `schema`, or a usage error naming `option`. */
function checked<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: string, option: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CliError(`${option}: ${parsed.error.issues[0]!.message}`, EXIT_USAGE);
  return parsed.data;
}

export function registerAuth(program: Command, context: CommandContext): void {
  const auth = program.command("auth").description("API keys of the gateway (TASKER_AUTH=on): each of one namespace, with the role run, publish or admin; needs an admin key");
  auth
    .command("create-key")
    .description("make an API key and print it alone on stdout (it is shown this once); its id goes to stderr")
    .requiredOption("--namespace <namespace>", "the key's namespace: lowercase letters, digits and '-', starting with a letter")
    .requiredOption("--role <role>", "run (submit, read, cancel, signal), publish (also task functions) or admin (also secrets and keys)")
    .action(async (options: CreateOptions) => {
      const namespace = checked(Namespace, options.namespace, "--namespace");
      const role = checked(ApiKeyRole, options.role, "--role");
      const { keyId, key } = await context.gateway().createApiKey(namespace, role);
      context.io.out(`${key}\n`);
      context.io.err(`made key ${keyId} (${role} in ${namespace})\n`);
    });
  auth
    .command("list-keys")
    .description("the API keys the key may see (an admin of default: every namespace's): id, namespace, role, made, revoked; never a key")
    .action(async () => {
      const keys = await context.gateway().listApiKeys();
      context.io.out(table(["KEY ID", "NAMESPACE", "ROLE", "CREATED", "REVOKED"], keys.map((key) => [key.keyId, key.namespace, key.role, key.createdAt, key.revokedAt ?? "-"])));
    });
  auth
    .command("revoke <keyId>")
    .description("revoke an API key: refused (401) by every gateway from now on")
    .action(async (keyId: string) => {
      await context.gateway().revokeApiKey(keyId);
      context.io.err(`revoked ${keyId}\n`);
    });
}
