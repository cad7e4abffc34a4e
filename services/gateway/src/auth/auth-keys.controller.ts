import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from "@nestjs/common";
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from "@nestjs/swagger";
import { ApiErrorBody, ApiKeyIdParam, ApiKeyList, CreateApiKeyRequest, CreateApiKeyResponse } from "@tasker/contracts";
import { AdminGuard } from "../keys/admin.guard.js";
import type { Caller } from "./access-rule.js";
import { CurrentCaller, Requires } from "./access.decorators.js";
import { ApiKeyAdmin } from "./api-key-admin.js";

/** API keys: made (shown once), listed (never shown), revoked. Admin routes: an admin key, or with TASKER_AUTH=off `AdminGuard`. */
@ApiTags("auth")
@ApiBearerAuth()
@Controller("auth/keys")
@UseGuards(AdminGuard)
@Requires("keys.manage")
@ApiResponse({ status: 401, description: "API_KEY_REQUIRED, API_KEY_INVALID (unknown or revoked); ADMIN_TOKEN_REQUIRED with TASKER_AUTH=off", standardSchema: ApiErrorBody })
@ApiResponse({ status: 403, description: "FORBIDDEN: not an admin key, or another namespace's keys; ADMIN_TOKEN_INVALID with TASKER_AUTH=off", standardSchema: ApiErrorBody })
export class AuthKeysController {
  constructor(private readonly admin: ApiKeyAdmin) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: "Make an API key of a namespace with a role (run, publish or admin); the key is in this answer only" })
  @ApiResponse({ status: 201, description: "made", standardSchema: CreateApiKeyResponse })
  @ApiResponse({ status: 400, description: "an invalid namespace or role: the error names the field", standardSchema: ApiErrorBody })
  create(@CurrentCaller() caller: Caller, @Body({ schema: CreateApiKeyRequest }) request: CreateApiKeyRequest): Promise<CreateApiKeyResponse> {
    return this.admin.create(caller, request);
  }

  @Get()
  @ApiOperation({ summary: "List API keys (an admin of default: every namespace's; else its own namespace's), oldest first; never a key" })
  @ApiResponse({ status: 200, description: "the keys", standardSchema: ApiKeyList })
  list(@CurrentCaller() caller: Caller): Promise<ApiKeyList> {
    return this.admin.list(caller);
  }

  @Delete(":keyId")
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke an API key: every gateway refuses it (401) from now on" })
  @ApiResponse({ status: 204, description: "revoked" })
  @ApiResponse({ status: 404, description: "API_KEY_NOT_FOUND", standardSchema: ApiErrorBody })
  async revoke(@CurrentCaller() caller: Caller, @Param("keyId", { schema: ApiKeyIdParam }) keyId: string): Promise<void> {
    await this.admin.revoke(caller, keyId);
  }
}
