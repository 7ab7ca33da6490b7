/** A self-contained API reference page: it reads /openapi.json and lists every operation. */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pathcert API reference</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem 1.5rem;color:#1d2433}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #dde}
details{border:1px solid #dde;border-radius:6px;margin:.4rem 0;padding:.3rem .7rem}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace}pre{background:#f5f6f8;padding:.6rem;overflow:auto}
.m{display:inline-block;min-width:4.2rem;font-weight:700}.GET{color:#1565c0}.POST{color:#2e7d32}.PUT,.PATCH{color:#ef6c00}.DELETE{color:#c62828}
.lock{font-size:.8rem;color:#666}
</style></head><body>
<h1>pathcert API reference</h1>
<p>Generated from <a href="openapi.json">openapi.json</a>. Routes marked 🔒 need <code>Authorization: Bearer &lt;token&gt;</code>.
Errors are <code>application/problem+json</code> (RFC 9457).</p>
<div id="ops">Loading…</div>
<script>
fetch('openapi.json').then(r=>r.json()).then(doc=>{
  const byTag={};
  for(const [path,ops] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ops)){
    (byTag[op.tags[0]]??=[]).push({m:m.toUpperCase(),path,op});}
  const el=document.getElementById('ops');el.textContent='';
  for(const [tag,list] of Object.entries(byTag)){
    const h=document.createElement('h2');h.textContent=tag;el.append(h);
    for(const {m,path,op} of list){
      const d=document.createElement('details');const s=document.createElement('summary');
      s.innerHTML='<span class="m '+m+'">'+m+'</span> <code></code> — <span></span> <span class="lock"></span>';
      s.querySelector('code').textContent=path;s.querySelectorAll('span')[1].textContent=op.summary;
      s.querySelector('.lock').textContent=op.security.length?'🔒':'';
      const pre=document.createElement('pre');
      pre.textContent=JSON.stringify({parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2);
      d.append(s,pre);el.append(d);}}
}).catch(e=>{document.getElementById('ops').textContent='Could not load openapi.json: '+e});
</script></body></html>`;
