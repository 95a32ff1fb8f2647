import type { Me } from '@hotspot/contracts';
import { useIsFetching } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { signInPath } from '../../routing/return-path.ts';
import { Link, navigate, useLocation } from '../../routing/router.tsx';
import { labelTableCells } from '../../ui/card-tables.ts';
import { ROLE_NAMES } from '../../ui/role-names.ts';
import { useLogout } from '../auth/auth-api.ts';
import { navItemForPath, navItemsFor } from '../nav/navigation.ts';

/** Header, role navigation and the main landmark around every signed-in page. */
export function AppShell({ me, children }: { me: Me; children: ReactNode }) {
  const location = useLocation();
  const logout = useLogout();
  const current = navItemForPath(me.role, location.pathname);
  // On a phone the navigation and the account fold into a menu (styles.css); it closes again
  // when the user moves to another page (it is open only on the page it was opened on).
  const [menuOpenOn, setMenuOpenOn] = useState<string | null>(null);
  const menuOpen = menuOpenOn === location.pathname;
  const main = useRef<HTMLElement>(null);
  // The page says it is still loading while any of its data is on the way.
  const fetching = useIsFetching() > 0;
  useEffect(() => (main.current ? labelTableCells(main.current) : undefined), []);
  const signOut = () =>
    logout.mutate(undefined, {
      onSettled: () => navigate(signInPath({ reason: 'signed-out' })),
    });

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className={`app-header${menuOpen ? ' app-header--open' : ''}`}>
        <div className="app-bar">
          <p className="brand">Hotspot map</p>
          <p className="partnership-name">{me.partnership.name}</p>
          <div className="account">
            <p className="account-name">
              {me.name}
              <span className="account-role">
                {ROLE_NAMES[me.role]} · {me.agency.code}
              </span>
            </p>
            <button
              type="button"
              className="button button--quiet button--small"
              onClick={signOut}
              disabled={logout.isPending}
            >
              Sign out
            </button>
          </div>
        </div>
        <nav aria-label="Main" className="main-nav">
          <button
            type="button"
            className="button button--quiet button--small menu-button"
            aria-expanded={menuOpen}
            aria-controls="main-nav-items"
            onClick={() => setMenuOpenOn(menuOpen ? null : location.pathname)}
          >
            Menu
          </button>
          <ul id="main-nav-items">
            {navItemsFor(me.role).map((item) => (
              <li key={item.path}>
                <Link
                  href={item.path}
                  aria-current={current?.path === item.path ? 'page' : undefined}
                >
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
          <div className="header-flags">
            {me.partnership.synthetic && (
              <span className="badge badge--synthetic" data-testid="synthetic-label">
                Synthetic demo data
              </span>
            )}
            {!me.partnership.mfaRequired && (
              <span className="badge badge--relaxed" data-testid="mfa-relaxed">
                Second factor not required
              </span>
            )}
          </div>
        </nav>
      </header>
      <main
        id="main"
        tabIndex={-1}
        className="app-main"
        ref={main}
        aria-busy={fetching || undefined}
      >
        {children}
      </main>
    </div>
  );
}
