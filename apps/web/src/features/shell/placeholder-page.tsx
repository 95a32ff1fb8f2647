import { Link } from '../../routing/router.tsx';

/** A page whose feature arrives in a later release: says so plainly instead of a dead link. */
export function PlaceholderPage({ title, description }: { title: string; description: string }) {
  return (
    <div className="page">
      <h1>{title}</h1>
      <p>{description}</p>
      <p className="hint">This part of the product is not available yet.</p>
    </div>
  );
}

export function NotAvailablePage({ landing }: { landing: string }) {
  return (
    <div className="page">
      <h1>Not available for your role</h1>
      <p>This page is not part of what your role can use.</p>
      <p>
        <Link href={landing}>Go to your start page</Link>
      </p>
    </div>
  );
}
