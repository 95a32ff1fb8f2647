import { SavedViewSchema } from '@hotspot/contracts';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { apiFetch } from '../../api/api-fetch.ts';
import { navigate, useLocation } from '../../routing/router.tsx';
import { ErrorNotice, LoadingNotice } from '../../ui/notices.tsx';
import { savedViewToSearch } from './saved-view.ts';

/** /map?view=<id>: loads the saved view and replaces the address with the map's URL state. */
export function SavedViewRedirect() {
  const { search } = useLocation();
  const id = new URLSearchParams(search).get('view') ?? '';
  const view = useQuery({
    queryKey: ['view', id],
    queryFn: ({ signal }) =>
      apiFetch(`/api/views/${encodeURIComponent(id)}`, SavedViewSchema, { signal }),
    retry: false,
  });
  useEffect(() => {
    if (view.data) navigate(`/map${savedViewToSearch(view.data)}`, { replace: true });
  }, [view.data]);
  if (view.isError) return <ErrorNotice error={view.error} what="the saved view" />;
  return <LoadingNotice what="the saved view" />;
}
