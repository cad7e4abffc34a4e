import { ServiceCallError, ServiceCodes } from "@tasker/service-kit";

/** The two facts of a service-account key JSON the service signs with. */
export interface ServiceAccount {
  readonly clientEmail: string;
  /** PEM, PKCS#8. */
  readonly privateKey: string;
}

/**
 * Reads the service-account key JSON stored under `keyName`. Throws `SECRET_NOT_FOUND` when there is
 * none, `INVALID_ARGUMENT` when it is not a service-account key; messages never quote the key's text.
 */
export function parseServiceAccount(text: string | undefined, keyName: string): ServiceAccount {
  if (text === undefined) {
    throw new ServiceCallError(
      "SECRET_NOT_FOUND",
      `the Google service-account key is not in the keystore under "${keyName}": tasker keys set ${keyName} --file key.json`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(keyName, "it is not JSON");
  }
  if (typeof json !== "object" || json === null) throw invalid(keyName, "it is not a JSON object");
  const { client_email: clientEmail, private_key: privateKey } = json as Record<string, unknown>;
  if (typeof clientEmail !== "string" || clientEmail === "") throw invalid(keyName, "it has no client_email");
  if (typeof privateKey !== "string" || !privateKey.includes("PRIVATE KEY")) throw invalid(keyName, "it has no PEM private_key");
  return { clientEmail, privateKey };
}

function invalid(keyName: string, why: string): ServiceCallError {
  return new ServiceCallError(
    ServiceCodes.INVALID_ARGUMENT,
    `the keystore entry "${keyName}" is not a Google service-account key (${why}): store the JSON key file Google issued, with tasker keys set ${keyName} --file key.json`,
  );
}
