import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps, AppEnv } from '../../deps.ts';
export declare function auditRoutes(deps: AppDeps): OpenAPIHono<AppEnv, {
    "/api/audit": {
        $get: {
            input: {
                query: {
                    category?: "admin" | "collection" | "alteration" | "consultation" | "disclosure" | "combination" | "erasure" | "authentication" | "refusal" | undefined;
                    actor?: string | undefined;
                    from?: string | undefined;
                    to?: string | undefined;
                    cursor?: string | undefined;
                    limit?: unknown;
                };
            };
            output: {
                events: {
                    id: string;
                    occurredAt: string;
                    partnershipId: string | null;
                    actorUserId: string | null;
                    actorRole: string | null;
                    actorAgency: string | null;
                    category: "admin" | "collection" | "alteration" | "consultation" | "disclosure" | "combination" | "erasure" | "authentication" | "refusal";
                    action: string;
                    objectType: string | null;
                    objectId: string | null;
                    query: import("hono/utils/types").JSONValue;
                    outcome: string;
                    address: string | null;
                    requestId: string | null;
                    hash: string;
                }[];
                nextCursor: string | null;
            };
            outputFormat: "json";
            status: 200;
        };
    };
} & {
    "/api/audit/verify": {
        $get: {
            input: {};
            output: {
                ok: true;
                events: number;
            } | {
                ok: false;
                brokenAt: string;
                events: number;
            };
            outputFormat: "json";
            status: 200;
        };
    };
} & {
    "/api/audit/export.csv": {
        $get: {
            input: {
                query: {
                    category?: "admin" | "collection" | "alteration" | "consultation" | "disclosure" | "combination" | "erasure" | "authentication" | "refusal" | undefined;
                    actor?: string | undefined;
                    from?: string | undefined;
                    to?: string | undefined;
                };
            };
            output: Response;
            outputFormat: "json";
            status: import("hono/utils/http-status").StatusCode;
        };
    };
}, "/">;
