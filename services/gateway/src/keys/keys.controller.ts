import { Body, Controller, Delete, Get, HttpCode, Param, Put, UseGuards } from "@nestjs/common";
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from "@nestjs/swagger";
import { ApiErrorBody } from "@tasker/contracts";
import { isSecretsError, SecretStore } from "@tasker/secrets";
import { ApiError } from "../http/api-error.js";
import type { Caller } from "../auth/access-rule.js";
import { CurrentCaller, Requires } from "../auth/access.decorators.js";
import { AdminGuard } from "./admin.guard.js";
import { KeyList, KeyNameParam, PutKeyRequest } from "./keys-api.js";

/** A SecretsError as the API answers it (its message never holds a value); anything else as is. */
function answerable(error: unknown): unknown {
  if (isSecretsError(error, "MASTER_KEY_MISSING") || isSecretsError(error, "MASTER_KEY_INVALID")) return new ApiError(503, error.code, error.message);
  return error;
}

/**
 * Secrets of the caller's namespace, sealed at rest: set, list (names only), delete. Admin routes: an
 * admin key, or with TASKER_AUTH=off `AdminGuard`.
 */
@ApiTags("keys")
@ApiBearerAuth()
@Controller("keys")
@UseGuards(AdminGuard)
@Requires("secrets.manage")
@ApiResponse({
  status: 401,
  description: "API_KEY_REQUIRED, API_KEY_INVALID (TASKER_AUTH=on); ADMIN_TOKEN_REQUIRED: TASKER_ADMIN_TOKEN is set and no bearer token was sent",
  standardSchema: ApiErrorBody,
})
@ApiResponse({
  status: 403,
  description:
    "FORBIDDEN: not an admin key (TASKER_AUTH=on); ADMIN_TOKEN_INVALID: another bearer token; ADMIN_TOKEN_REQUIRED: no TASKER_ADMIN_TOKEN is set and the client is not on loopback",
  standardSchema: ApiErrorBody,
})
export class KeysController {
  constructor(private readonly secrets: SecretStore) {}

  @Put(":name")
  @HttpCode(204)
  @ApiOperation({ summary: "Set a secret (created or replaced), sealed under TASKER_MASTER_KEY; a '/' in the name is sent as %2F" })
  @ApiResponse({ status: 204, description: "stored" })
  @ApiResponse({ status: 400, description: "an invalid name or a value that is not a string: the error names the field", standardSchema: ApiErrorBody })
  @ApiResponse({ status: 503, description: "MASTER_KEY_MISSING: the gateway has no TASKER_MASTER_KEY", standardSchema: ApiErrorBody })
  async put(@CurrentCaller() caller: Caller, @Param("name", { schema: KeyNameParam }) name: string, @Body({ schema: PutKeyRequest }) request: PutKeyRequest): Promise<void> {
    await this.secrets.inNamespace(caller.namespace).set(name, request.value).catch((error: unknown) => {
      throw answerable(error);
    });
  }

  @Get()
  @ApiOperation({ summary: "List the secrets' names (sorted) and when each was last set; never their values" })
  @ApiResponse({ status: 200, description: "the secrets", standardSchema: KeyList })
  async list(@CurrentCaller() caller: Caller): Promise<KeyList> {
    return (await this.secrets.inNamespace(caller.namespace).list()).map(({ name, updatedAt }) => ({ name, updatedAt: updatedAt.toISOString() }));
  }

  @Delete(":name")
  @HttpCode(204)
  @ApiOperation({ summary: "Delete a secret" })
  @ApiResponse({ status: 204, description: "deleted" })
  @ApiResponse({ status: 404, description: "SECRET_NOT_FOUND", standardSchema: ApiErrorBody })
  async delete(@CurrentCaller() caller: Caller, @Param("name", { schema: KeyNameParam }) name: string): Promise<void> {
    if (!(await this.secrets.inNamespace(caller.namespace).delete(name))) throw new ApiError(404, "SECRET_NOT_FOUND", `no secret named ${name}`, "name");
  }
}
