import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiProblem, isUnauthenticated, PROBLEM_TYPES } from './api-problem.ts';

export interface QueryClientOptions {
  /**
   * Called once per 401 from any query or mutation (except the sign-in calls, which handle
   * their own): the session ended or never existed.
   */
  readonly onUnauthenticated: (context: { readonly hadSession: boolean }) => void;
}

export const ME_QUERY_KEY = ['auth', 'me'] as const;

/** The app's single QueryClient: server data lives here and nowhere else. */
export function createAppQueryClient(options: QueryClientOptions): QueryClient {
  const handle = (error: unknown, meta: Record<string, unknown> | undefined) => {
    if (!isUnauthenticated(error) || meta?.handlesUnauthenticated === true) return;
    const hadSession = client.getQueryData(ME_QUERY_KEY) !== undefined;
    options.onUnauthenticated({ hadSession });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => handle(error, query.meta) }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => handle(error, mutation.meta),
    }),
    defaultOptions: {
      queries: {
        staleTime: 60_000,
        refetchOnWindowFocus: true,
        // A 4xx will not get better by asking again; a network blip or 503 may.
        retry: (failureCount, error) =>
          failureCount < 2 &&
          (!isApiProblem(error) ||
            error.type === PROBLEM_TYPES.network ||
            error.type === PROBLEM_TYPES.databaseUnavailable),
      },
      mutations: { retry: false },
    },
  });
  return client;
}
