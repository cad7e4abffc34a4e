import type { JsonValue } from "@tasker/contracts";
import { isSealedValue, isSecretsError, type MasterKeys, SecretName, sealValue, type SecretStore, unsealValue } from "@tasker/secrets";
import { type MethodHandler, methodTable, ServiceCallError, ServiceCodes } from "@tasker/service-kit";

/** What the keystore's methods work on: the secret store and the master keys (absent when `TASKER_MASTER_KEY` is unset). */
export interface KeystoreClient {
  readonly store: SecretStore;
  readonly keys: () => MasterKeys;
}

function nameOf(args: readonly JsonValue[]): string {
  const parsed = SecretName.safeParse(args[0]);
  if (!parsed.success) throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `the secret's name (argument 1): ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/** A secrets error (no master key, a value sealed under another key) as the task sees it: terminal, with its code. */
async function keyed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isSecretsError(error)) throw new ServiceCallError(error.code, error.message);
    throw error;
  }
}

/**
 * Every method sees the secrets of the calling run's namespace only.
 * `tools.keystore.get(name)` → the value, sealed under the master key (the executor opens it only as
 * it enters the VM; fails `SECRET_NOT_FOUND`); `set(name, value)` → null (the value arrives sealed by
 * the executor); `list()` → the names, sorted; `delete(name)` → whether there was one.
 */
const get: MethodHandler<KeystoreClient> = (client, args, context) =>
  keyed(async () => {
    const name = nameOf(args);
    const value = await client.store.inNamespace(context.namespace).get(name);
    if (value === undefined) throw new ServiceCallError("SECRET_NOT_FOUND", `no secret named "${name}": set it with tasker keys set ${name}, PUT /keys/${name} or tools.keystore.set`);
    return sealValue(client.keys(), value) as unknown as JsonValue;
  });

const set: MethodHandler<KeystoreClient> = (client, args, context) =>
  keyed(async () => {
    const name = nameOf(args);
    const value = isSealedValue(args[1]) ? unsealValue(client.keys(), args[1]) : args[1];
    if (typeof value !== "string") throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, "a secret's value (argument 2) must be a string");
    await client.store.inNamespace(context.namespace).set(name, value);
    return null;
  });

const list: MethodHandler<KeystoreClient> = async (client, _args, context) => (await client.store.inNamespace(context.namespace).list()).map((entry) => entry.name);

const remove: MethodHandler<KeystoreClient> = (client, args, context) => keyed(async () => client.store.inNamespace(context.namespace).delete(nameOf(args)));

export const keystoreMethods = methodTable<KeystoreClient>({ get, set, list, delete: remove });
