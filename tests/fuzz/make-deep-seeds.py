#!/usr/bin/python3
"""Write the depth- and size-heavy seeds of tests/fuzz/corpus/fuzz-provider/ (issue #15).

Run from the top of the source tree; the seeds are committed (a few KB each), this script says
how they were made and remakes them: python3 tests/fuzz/make-deep-seeds.py
"""
import os

OUT = os.path.join('tests', 'fuzz', 'corpus', 'fuzz-provider')
NS = 'urn:x-claws-mail-provider-assistant:provider:1'
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<clientConfig version="1.1" xmlns:mpa="%s">\n'
        '<emailProvider id="deep.example">\n'
        '<domain>deep.example</domain>\n<displayName>Deep</displayName>\n' % NS)
TAIL = '</emailProvider>\n</clientConfig>\n'


def nest(depth, open_tag, close_tag):
    return open_tag * depth + close_tag * depth


def write(name, text):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
        f.write(text)


# the limit (64 levels: clientConfig, emailProvider and 62 more) and one past it
write('deep-at-limit.xml', HEAD + nest(62, '<a>', '</a>') + '\n' + TAIL)
write('deep-past-limit.xml', HEAD + nest(63, '<a>', '</a>') + '\n' + TAIL)
# far past it, never closed: the parse must stop at the limit, not at the end
write('deep-unclosed.xml', HEAD + '<a>' * 1500)
# deep inside the assistant part, a namespace declaration on every level
write('deep-namespaces.xml', HEAD + '<mpa:assistant checked="2026-01-01">\n' +
      ''.join('<mpa:x%d xmlns:p%d="urn:x-%d">' % (i, i, i) for i in range(70)) +
      ''.join('</mpa:x%d>' % i for reversed_i in range(70) for i in [69 - reversed_i]) +
      '</mpa:assistant>\n' + TAIL)
# wide rather than deep: many siblings, many attributes, a long text
write('wide-domains.xml', HEAD.replace('<domain>deep.example</domain>\n',
      ''.join('<domain>d%d.example</domain>\n' % i for i in range(250))) + TAIL)
write('many-attributes.xml', HEAD + '<mpa:assistant checked="2026-01-01" ' +
      ' '.join('a%d="v%d"' % (i, i) for i in range(300)) + '/>\n' + TAIL)
write('long-text.xml', HEAD + '<mpa:assistant checked="2026-01-01"><mpa:name lang="en">' +
      'x' * 6000 + '</mpa:name></mpa:assistant>\n' + TAIL)
