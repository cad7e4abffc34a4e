import { type ArgumentMetadata, Injectable, type PipeTransform } from "@nestjs/common";
import type { z } from "zod";
import { parseRequest } from "./parse-request.js";

const MISSING_BODY = "the body must be a JSON object, sent with Content-Type: application/json";

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
    const base = metadata.type === "body" ? [] : [metadata.data ?? metadata.type];
    const fieldOf = (path: readonly PropertyKey[]) => [...base, ...path.map(String)].join(".") || "body";
    return parseRequest(schema, value, fieldOf, metadata.type === "body" ? MISSING_BODY : undefined);
  }
}
