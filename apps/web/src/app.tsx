import type { Me } from '@hotspot/contracts';
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { isUnauthenticated } from './api/api-problem.ts';
import { useMe } from './api/queries.ts';
import { AccountEnrolPage } from './features/auth/account-enrol-page.tsx';
import { EnrolPage } from './features/auth/enrol-page.tsx';
import { SecondFactorPage } from './features/auth/second-factor-page.tsx';
import { SignInPage } from './features/auth/sign-in-page.tsx';
import { MapPage } from './features/map-page/map-page.tsx';
import { landingPathFor, mayVisit } from './features/nav/navigation.ts';
import { AppShell } from './features/shell/app-shell.tsx';
import { NotAvailablePage } from './features/shell/placeholder-page.tsx';
import { navigate, useLocation } from './routing/router.tsx';
import { ErrorNotice, LoadingNotice } from './ui/notices.tsx';

// Admin pages are for one role: loaded on first visit, not with the map.
const UsersPage = lazy(async () => ({
  default: (await import('./features/admin/users-page.tsx')).UsersPage,
}));
const AgenciesPage = lazy(async () => ({
  default: (await import('./features/admin/agencies-page.tsx')).AgenciesPage,
}));
const SettingsPage = lazy(async () => ({
  default: (await import('./features/admin/settings-page.tsx')).SettingsPage,
}));
const TaxonomyPage = lazy(async () => ({
  default: (await import('./features/admin/taxonomy-page.tsx')).TaxonomyPage,
}));
// A chair decides requests for the analyst role where the partnership has a single admin.
const ApprovalsPanel = lazy(async () => ({
  default: (await import('./features/admin/approvals-panel.tsx')).ApprovalsPanel,
}));
const AuditPage = lazy(async () => ({
  default: (await import('./features/audit/audit-page.tsx')).AuditPage,
}));
const UploadPage = lazy(async () => ({
  default: (await import('./features/upload/upload-page.tsx')).UploadPage,
}));
const ReviewPage = lazy(async () => ({
  default: (await import('./features/review/review-page.tsx')).ReviewPage,
}));
const ForecastPage = lazy(async () => ({
  default: (await import('./features/forecast/forecast-page.tsx')).ForecastPage,
}));

// Tasking pages: chairs and partners, loaded on first visit.
const ActionBoardPage = lazy(async () => ({
  default: (await import('./features/actions/actions-page.tsx')).ActionBoardPage,
}));
const MyActionsPage = lazy(async () => ({
  default: (await import('./features/actions/actions-page.tsx')).MyActionsPage,
}));
const ActionPage = lazy(async () => ({
  default: (await import('./features/actions/action-page.tsx')).ActionPage,
}));
const HotspotsPage = lazy(async () => ({
  default: (await import('./features/hotspots/hotspots-page.tsx')).HotspotsPage,
}));
const HotspotPage = lazy(async () => ({
  default: (await import('./features/hotspots/hotspot-page.tsx')).HotspotPage,
}));

// Meetings: those who run or watch them, loaded on first visit.
const MeetingsPage = lazy(async () => ({
  default: (await import('./features/meetings/meetings-page.tsx')).MeetingsPage,
}));
const MeetingPage = lazy(async () => ({
  default: (await import('./features/meetings/meeting-page.tsx')).MeetingPage,
}));
const MeetingMode = lazy(async () => ({
  default: (await import('./features/meetings/meeting-mode.tsx')).MeetingMode,
}));
const SavedViewRedirect = lazy(async () => ({
  default: (await import('./features/views/saved-view-redirect.tsx')).SavedViewRedirect,
}));

/** The meeting id in "/meetings/<id>/present": meeting mode, full screen without the shell. */
function meetingModeId(pathname: string): string | undefined {
  return /^\/meetings\/([0-9a-f-]{36})\/present$/.exec(pathname)?.[1];
}

/** The id in "/actions/<id>" or "/hotspots/<id>", when the path has that shape. */
function idUnder(prefix: string, pathname: string): string | undefined {
  const match = new RegExp(`^${prefix}/([0-9a-f-]{36})$`).exec(pathname);
  return match?.[1];
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function pageFor(pathname: string, me: Me, search: string): ReactNode {
  switch (pathname) {
    case '/map':
      // A shared saved view (/map?view=<id>) becomes the map's own URL state, then the map.
      return new URLSearchParams(search).has('view') ? <SavedViewRedirect /> : <MapPage />;
    case '/upload':
      return <UploadPage />;
    case '/review':
      return <ReviewPage />;
    case '/forecast':
      return <ForecastPage />;
    case '/hotspots':
      return <HotspotsPage />;
    case '/actions':
      if (me.role === 'partner') return <MyActionsPage me={me} />;
      // The chair's board also lists analyst-role requests they may decide (one-admin case).
      return me.role === 'chair' ? (
        <>
          <ApprovalsPanel standalone />
          <ActionBoardPage />
        </>
      ) : (
        <ActionBoardPage />
      );
    case '/admin/users':
      return <UsersPage />;
    case '/admin/agencies':
      return <AgenciesPage />;
    case '/admin/settings':
      return <SettingsPage />;
    case '/admin/taxonomy':
      return <TaxonomyPage />;
    case '/admin/audit':
      return <AuditPage />;
    case '/meetings':
      return <MeetingsPage me={me} />;
    default: {
      const actionId = idUnder('/actions', pathname);
      if (actionId) return <ActionPage key={actionId} id={actionId} me={me} />;
      const hotspotId = idUnder('/hotspots', pathname);
      if (hotspotId) return <HotspotPage key={hotspotId} id={hotspotId} />;
      const meetingId = me.role === 'partner' ? undefined : idUnder('/meetings', pathname);
      if (meetingId) return <MeetingPage key={meetingId} id={meetingId} me={me} />;
      return undefined;
    }
  }
}

function SignedInApp() {
  const location = useLocation();
  const me = useMe();
  if (me.isPending) return <LoadingNotice what="your account" />;
  if (me.isError) {
    // A 401 is handled globally (off to sign-in); anything else is worth saying.
    return isUnauthenticated(me.error) ? null : (
      <ErrorNotice error={me.error} what="your account" />
    );
  }
  const user = me.data;
  const landing = landingPathFor(user.role);
  if (location.pathname === '/') return <Redirect to={landing} />;
  const presentingId = meetingModeId(location.pathname);
  if (presentingId && mayVisit(user.role, location.pathname) && user.role !== 'partner') {
    // A projector view: the whole screen, no header or navigation.
    return (
      <Suspense fallback={<LoadingNotice what="meeting mode" />}>
        <MeetingMode key={presentingId} id={presentingId} me={user} />
      </Suspense>
    );
  }
  const page = mayVisit(user.role, location.pathname)
    ? pageFor(location.pathname, user, location.search)
    : undefined;
  return (
    <AppShell me={user}>
      <Suspense fallback={<LoadingNotice what="the page" />}>
        {page ?? <NotAvailablePage landing={landing} />}
      </Suspense>
    </AppShell>
  );
}

export function App() {
  const { pathname } = useLocation();
  if (pathname === '/sign-in') return <SignInPage />;
  if (pathname === '/sign-in/factor') return <SecondFactorPage />;
  if (pathname === '/sign-in/enrol') return <EnrolPage />;
  // An enrolment link, opened signed out: the one-time code in the fragment is the credential.
  if (pathname === '/enrol') return <AccountEnrolPage />;
  return <SignedInApp />;
}
