import { type ArgumentMetadata, Injectable, type PipeTransform } from "@nestjs/common";
import { ValidationError } from "@tasker/contracts";
import type { z } from "zod";

const MISSING_BODY = "the body must be a JSON object, sent with Content-Type: application/json";

function fieldOf(metadata: ArgumentMetadata, path: readonly PropertyKey[]): string {
  const base = metadata.type === "body" ? [] : [metadata.data ?? metadata.type];
  const parts = [...base, ...path.map(String)];
  return parts.length > 0 ? parts.join(".") : "body";
}

/**
 * Validates a route parameter against the zod schema given in its decorator
 * (`@Body({ schema })`, `@Param("id", { schema })`, ...) and hands the parsed value on. A mismatch
 * is a `ValidationError` naming the field: the dotted path in the body, or the parameter's name.
 */
@Injectable()
export class ZodValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const schema = metadata.schema as z.ZodType | undefined;
    if (!schema) return value;
    const parsed = schema.safeParse(value, { error: (issue) => (issue.input === undefined ? "is required" : undefined) });
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const field = fieldOf(metadata, issue.path);
    if (metadata.type === "body" && issue.path.length === 0) throw new ValidationError(MISSING_BODY, field);
    throw new ValidationError(`${field}: ${issue.message}`, field);
  }
}
