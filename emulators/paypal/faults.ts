/**
 * Fault injection for REST calls: the next N matching calls fail with a 500/503, hang, or lose their
 * connection, either before the operation runs or after it has run (the client then cannot know it happened).
 * "before" faults also reach PayPal's public resources (certificates, the SDK script, the IPN post-back).
 */
import { badRequest } from "./errors";

export type FaultKind = "http500" | "http503" | "timeout" | "reset";
export type FaultPhase = "before" | "after";

export interface FaultSpec {
  method?: string;
  /** A path prefix or a regular-expression source; a call matches if either reading matches. */
  path: string;
  count: number;
  kind: FaultKind;
  phase: FaultPhase;
  /** `timeout` only: how long to hold the request before dropping the connection. */
  holdMs?: number;
}

export interface FaultRule extends FaultSpec {
  id: number;
  remaining: number;
  pattern: RegExp | undefined;
}

const KINDS: readonly FaultKind[] = ["http500", "http503", "timeout", "reset"];
const PHASES: readonly FaultPhase[] = ["before", "after"];

export class Faults {
  private rules: FaultRule[] = [];
  private nextId = 1;

  add(spec: FaultSpec): FaultRule {
    if (typeof spec.path !== "string" || spec.path.length === 0) throw badRequest("MISSING_REQUIRED_PARAMETER", { field: "/path" });
    if (!KINDS.includes(spec.kind)) throw badRequest("INVALID_PARAMETER_VALUE", { field: "/kind", value: String(spec.kind) });
    if (!PHASES.includes(spec.phase)) throw badRequest("INVALID_PARAMETER_VALUE", { field: "/phase", value: String(spec.phase) });
    if (!Number.isInteger(spec.count) || spec.count < 1) throw badRequest("INVALID_PARAMETER_VALUE", { field: "/count", value: String(spec.count) });
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(spec.path);
    } catch {
      pattern = undefined;
    }
    const rule: FaultRule = { ...spec, method: spec.method?.toUpperCase(), id: this.nextId++, remaining: spec.count, pattern };
    this.rules.push(rule);
    return rule;
  }

  /** Consumes one use of the first rule matching this call at this phase. */
  take(method: string, path: string, phase: FaultPhase): FaultRule | undefined {
    const rule = this.rules.find(
      (candidate) =>
        candidate.remaining > 0 &&
        candidate.phase === phase &&
        (candidate.method === undefined || candidate.method === method) &&
        (path.startsWith(candidate.path) || candidate.pattern?.test(path) === true),
    );
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining === 0) this.rules = this.rules.filter((candidate) => candidate !== rule);
    return rule;
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  reset(): void {
    this.rules = [];
  }
}
