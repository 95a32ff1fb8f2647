import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppQueryClient } from './api/query-client.ts';
import { App } from './app.tsx';
import { signInPath } from './routing/return-path.ts';
import { currentHref, navigate } from './routing/router.tsx';
import './styles.css';

const queryClient = createAppQueryClient({
  onUnauthenticated: ({ hadSession }) => {
    const here = currentHref();
    if (here.startsWith('/sign-in')) return;
    // Off the query's error path first: clearing the cache inside its own callback is unsafe.
    setTimeout(() => {
      queryClient.clear();
      navigate(signInPath({ next: here, reason: hadSession ? 'expired' : undefined }), {
        replace: !hadSession,
      });
    }, 0);
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
