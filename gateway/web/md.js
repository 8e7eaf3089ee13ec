/* QuickSpin AI - a small, safe Markdown renderer for the assistant's answers.
   Everything is HTML-escaped first; only the constructs below produce markup:
   headings, **bold**, *italic*, `code`, fenced code blocks, tables, lists,
   links (http, https, mailto, relative) with rel="noopener noreferrer".
   Loaded as a classic script: defines globalThis.QSMarkdown.render(text). */
(function (root) {
  'use strict';

  function escapeHtml(s) {
    return String(s)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  // Link targets we allow; the text is already escaped, so quotes can't break out.
  function safeHref(href) {
    var h = href.trim();
    if (/^(https?:|mailto:)/i.test(h) || /^[/#?]/.test(h) || /^\.\.?\//.test(h)) return h;
    return null;
  }

  // Inline markup on one escaped line. Code spans are cut out first so that
  // nothing inside them is interpreted.
  function inline(s) {
    var codes = [];
    s = s.replace(/`([^`]+)`/g, function (_, c) {
      codes.push('<code>' + c + '</code>');
      return '\u0000' + (codes.length - 1) + '\u0000';
    });
    s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, function (m, text, href) {
      var h = safeHref(href);
      if (!h) return text;
      return '<a href="' + h + '" rel="noopener noreferrer" target="_blank">' + text + '</a>';
    });
    s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
    s = s.replace(/__([^_]+)__/g, '<strong>$1</strong>');
    s = s.replace(/(^|[^*\w])\*([^*\s][^*]*?)\*(?!\w)/g, '$1<em>$2</em>');
    s = s.replace(/(^|[^_\w])_([^_\s][^_]*?)_(?!\w)/g, '$1<em>$2</em>');
    return s.replace(/\u0000(\d+)\u0000/g, function (_, i) { return codes[+i]; });
  }

  function splitRow(line) {
    var t = line.trim();
    if (t.charAt(0) === '|') t = t.slice(1);
    if (t.charAt(t.length - 1) === '|') t = t.slice(0, -1);
    return t.split('|').map(function (c) { return c.trim(); });
  }

  function isTableSep(line) {
    return /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line);
  }

  function render(text) {
    var lines = escapeHtml(text || '').replace(/\r\n?/g, '\n').split('\n');
    var out = [], para = [], list = null, i = 0;

    function flushPara() {
      if (para.length) out.push('<p>' + para.map(inline).join('<br>') + '</p>');
      para = [];
    }
    function flushList() {
      if (list) out.push('<' + list.tag + '>' + list.items.map(function (it) {
        return '<li>' + inline(it) + '</li>';
      }).join('') + '</' + list.tag + '>');
      list = null;
    }
    function flush() { flushPara(); flushList(); }

    while (i < lines.length) {
      var line = lines[i];
      var fence = /^\s*```/.test(line);
      if (fence) {
        flush();
        var code = [];
        i++;
        while (i < lines.length && !/^\s*```/.test(lines[i])) code.push(lines[i++]);
        i++; // the closing fence (or the end)
        out.push('<pre><code>' + code.join('\n') + '</code></pre>');
        continue;
      }
      var h = /^(#{1,6})\s+(.*)$/.exec(line);
      if (h) {
        flush();
        var level = Math.min(6, h[1].length + 2); // the page owns h1 and h2
        out.push('<h' + level + '>' + inline(h[2].replace(/\s+#+\s*$/, '')) + '</h' + level + '>');
        i++;
        continue;
      }
      if (/^\s*\|/.test(line) && i + 1 < lines.length && isTableSep(lines[i + 1])) {
        flush();
        var head = splitRow(line), rows = [];
        i += 2;
        while (i < lines.length && /^\s*\|/.test(lines[i])) rows.push(splitRow(lines[i++]));
        out.push('<div class="md-table"><table><thead><tr>' +
          head.map(function (c) { return '<th scope="col">' + inline(c) + '</th>'; }).join('') +
          '</tr></thead><tbody>' + rows.map(function (r) {
            return '<tr>' + r.map(function (c) { return '<td>' + inline(c) + '</td>'; }).join('') + '</tr>';
          }).join('') + '</tbody></table></div>');
        continue;
      }
      var li = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
      if (li) {
        flushPara();
        var tag = li[1] ? 'ul' : 'ol';
        if (list && list.tag !== tag) flushList();
        if (!list) list = { tag: tag, items: [] };
        list.items.push(li[3]);
        i++;
        continue;
      }
      if (/^\s*$/.test(line)) {
        flush();
        i++;
        continue;
      }
      if (/^\s*(---|\*\*\*)\s*$/.test(line)) {
        flush();
        out.push('<hr>');
        i++;
        continue;
      }
      flushList();
      para.push(line);
      i++;
    }
    flush();
    return out.join('\n');
  }

  root.QSMarkdown = { render: render, escapeHtml: escapeHtml };
})(typeof globalThis !== 'undefined' ? globalThis : this);
