"""relaypump.py — the chunk pump of the bench's delaying relays (delay-proxy.py, lookup-delay.py).

pump(reader, writer, delay, first_extra=0): copies reader to writer, delivering each chunk
`delay` seconds after it arrived (the first one `first_extra` seconds later still), in order, then
EOF.  A read error (the peer reset the connection) ends the stream like EOF, after what was read.
"""

import asyncio


async def pump(reader, writer, delay, first_extra=0.0):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()
    extra = first_extra

    async def deliver():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                break
            writer.write(data)
            await writer.drain()
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass

    task = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            queue.put_nowait((loop.time() + delay + extra, data if data else None))
            extra = 0
            if not data:
                break
    except (OSError, ConnectionError):
        queue.put_nowait((loop.time(), None))
    await task
