import { useEffect, useRef, useState } from 'react';

/**
 * "Pack as PDF" with progress: the PDF takes seconds to make, and a plain link gave no sign of
 * life meanwhile. Fetches the pack, says it is being prepared (with the seconds waited), then
 * hands the file to the browser as a download. When the server can only make the printable page
 * (no Chromium there), that page is what is downloaded, as the server says.
 */
export function PackPdfButton({ meetingId, title }: { meetingId: string; title: string }) {
  const [state, setState] = useState<'idle' | 'preparing' | 'done' | 'failed'>('idle');
  const [seconds, setSeconds] = useState(0);
  const started = useRef(0);

  useEffect(() => {
    if (state !== 'preparing') return;
    const timer = window.setInterval(
      () => setSeconds(Math.floor((Date.now() - started.current) / 1000)),
      1000,
    );
    return () => window.clearInterval(timer);
  }, [state]);

  const download = async () => {
    started.current = Date.now();
    setSeconds(0);
    setState('preparing');
    try {
      const response = await fetch(`/api/meetings/${meetingId}/pack.pdf`, {
        credentials: 'same-origin',
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const isPdf = (response.headers.get('content-type') ?? '').startsWith('application/pdf');
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = `${title.replace(/[^\w -]+/g, '').trim() || 'meeting'} pack.${isPdf ? 'pdf' : 'html'}`;
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setState('done');
    } catch {
      setState('failed');
    }
  };

  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => void download()}
        disabled={state === 'preparing'}
      >
        Pack as PDF
      </button>
      <span role="status" className="pack-progress">
        {state === 'preparing' && `Preparing the PDF… ${seconds} s`}
        {state === 'done' && 'The pack has been downloaded.'}
        {state === 'failed' && 'The pack could not be made. Try again in a moment.'}
      </span>
    </>
  );
}
