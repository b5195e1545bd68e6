import { z } from "zod";

const uuid = z.uuid();

/** Whether a value is a UUID (our ids): the one check every boundary uses before it queries by id. */
export const isUuid = (value: unknown): boolean => uuid.safeParse(value).success;
