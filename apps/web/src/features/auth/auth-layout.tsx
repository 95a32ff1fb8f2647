import type { ReactNode } from 'react';

/** The frame of the signed-out pages: one centred card, landmarks for screen readers. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="auth-page">
      <header className="auth-header">
        <p className="brand">Hotspot map</p>
      </header>
      <main id="main" className="auth-card">
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}
