// The example post's own script: it shows what each pad read, from the
// pad's `prediction` event.
for (const pad of document.querySelectorAll('inkling-pad')) {
  const out = document.querySelector(`output[for="${pad.id}"]`);
  pad.addEventListener('prediction', (e) => {
    const { digit, probs, unsure } = e.detail;
    if (!out) return;
    if (digit < 0) out.textContent = 'nothing yet';
    else out.textContent = `${unsure ? 'perhaps ' : ''}${digit} (${Math.round(probs[digit] * 100)}%)`;
  });
}
