import type { TSchema } from "@sinclair/typebox";
import { componentName, isComponent } from "./kit.js";
import * as shapes from "./shapes.js";

/** Every named API shape by its component name: the OpenAPI document's `components.schemas`. */
export const componentSchemas: Readonly<Record<string, TSchema>> = Object.fromEntries(
  Object.values(shapes as Record<string, unknown>).flatMap((value) => (isComponent(value) ? [[componentName(value), value]] : [])),
);
