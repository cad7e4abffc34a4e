import type { MethodTable } from "./method-table.js";
import { ServiceCallError, ServiceCodes } from "./service-error.js";

/**
 * `table` for the runs of `namespace` only: a call of a run of any other fails PERMISSION_DENIED
 * (terminal) with `why`, before its handler runs. For a service that acts with the deployment's own
 * credentials, which must not be lent to every namespace.
 */
export function forNamespaceOnly<Client>(table: MethodTable<Client>, namespace: string, why: string): MethodTable<Client> {
  return {
    names: () => table.names(),
    resolve(path) {
      const handler = table.resolve(path);
      if (!handler) return undefined;
      return async (client, args, context) => {
        if (context.namespace !== namespace) throw new ServiceCallError(ServiceCodes.PERMISSION_DENIED, `${why}; this run is in namespace ${context.namespace}`);
        return handler(client, args, context);
      };
    },
  };
}
