"""Custody's Volatility 3 runner: one Python process, one image, one symbol table, many plugin runs.

The vol command line loads and indexes the symbol table and stacks the image's layers again for
every plugin (seconds each, and a scan of the whole image for the kernel banner). This runner does
that once: the first run (the process list) builds the layers and loads the table; every later run
gets the same configuration, so Volatility finds its requirements met by what the context already
holds. Per-process plugins can be run one PID at a time in the same context, so one process whose
memory cannot be walked (a smear, a process exiting while captured) costs its own rows, not the run.

Protocol (UTF-8 JSON lines): the first line on stdin is the job
  {"image": PATH, "symbols": DIR, "cache": DIR, "made_by_custody": BOOL}
then each line is a request
  {"plugin": "linux.pslist.PsList", "pids": [1, 2], "each": false}
answered by one line on stdout
  {"plugin": ..., "ok": true, "rows": [...], "seconds": 1.2, "failed_pids": {"304": "reason"}}
or {"ok": false, "error": "..."}. Rows are dicts of column → value; tree children follow their
parent with "__depth". Values: ints, strings, ISO times, null for absent values, bytes as hex.
Read-only: the image is opened as a file layer; nothing is written but Volatility's cache folder.
"""

import datetime
import io
import json
import logging
import os
import sys
import time
import traceback

# Volatility may print to stdout; the protocol owns it.
PROTOCOL = sys.stdout
sys.stdout = sys.stderr

logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")

import volatility3.plugins  # noqa: E402
from volatility3 import framework  # noqa: E402
from volatility3.framework import automagic, constants, contexts, exceptions, interfaces, plugins  # noqa: E402
from volatility3.framework.renderers import format_hints  # noqa: E402


def value(v):
    if isinstance(v, interfaces.renderers.BaseAbsentValue) or v is None:
        return None
    if isinstance(v, (format_hints.Hex, format_hints.Bin)):
        return int(v)
    if isinstance(v, format_hints.MultiTypeData):
        return bytes(v).hex() if isinstance(v, bytes) else str(v)
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).hex()
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return v
    return str(v)


class Runner:
    def __init__(self, job):
        self.image = job["image"]
        if job.get("made_by_custody"):
            # A table Custody itself made at capture (a symbols item of the case), from code whose output
            # the project's tests validate against this schema: Volatility's own validation of a 10 MB
            # table takes ~35 s and would run again for every capture. Tables from elsewhere are validated.
            from volatility3 import schemas
            schemas.validate = lambda input, use_cache=True: True
        constants.SYMBOL_BASEPATHS = [job["symbols"]] + list(constants.SYMBOL_BASEPATHS)
        constants.CACHE_PATH = job["cache"]
        os.makedirs(constants.CACHE_PATH, exist_ok=True)
        constants.OFFLINE = True
        framework.require_interface_version(2, 0, 0)
        framework.import_files(volatility3.plugins, True)
        self.plugins = framework.list_plugins()
        self.ctx = contexts.Context()
        self.base = None  # the kernel module the first plugin built (layers, symbol table), reused by the others

    def run(self, name, pids=None):
        if name not in self.plugins:
            raise ValueError(f"Volatility has no plugin {name}")
        plugin = self.plugins[name]
        path = interfaces.configuration.path_join("plugins", plugin.__name__)
        if self.base is None:
            self.ctx.config["automagic.LayerStacker.single_location"] = "file://" + os.path.abspath(self.image)
        else:
            # the kernel module the first run built (layers, symbol table): a requirement naming a module
            # the context holds is met, so the automagic neither stacks nor loads anything again
            self.ctx.config[interfaces.configuration.path_join(path, "kernel")] = self.base
        if pids is not None:
            self.ctx.config[interfaces.configuration.path_join(path, "pid")] = list(pids)
        magics = automagic.choose_automagic(automagic.available(self.ctx), plugin)
        constructed = plugins.construct_plugin(self.ctx, magics, plugin, "plugins", None, None)
        if self.base is None and isinstance(self.ctx.config.get(interfaces.configuration.path_join(path, "kernel")), str):
            self.base = self.ctx.config[interfaces.configuration.path_join(path, "kernel")]
        grid = constructed.run()
        columns = [c.name for c in grid.columns]
        rows = []

        def visit(node, acc):
            row = {c: value(v) for c, v in zip(columns, node.values)}
            depth = node.path_depth - 1
            if depth:
                row["__depth"] = depth
            acc.append(row)
            return acc

        grid.populate(visit, rows)
        return rows


def main():
    job = json.loads(sys.stdin.readline())
    runner = Runner(job)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        t0 = time.time()
        answer = {"plugin": req.get("plugin")}
        try:
            if req.get("each") and req.get("pids"):
                rows, failed = [], {}
                for pid in req["pids"]:
                    try:
                        rows.extend(runner.run(req["plugin"], [pid]))
                    except Exception as e:  # one process's memory unreadable: its own rows only
                        failed[str(pid)] = reason(e)
                answer.update(ok=True, rows=rows, failed_pids=failed)
            else:
                answer.update(ok=True, rows=runner.run(req["plugin"], req.get("pids")))
        except Exception as e:
            answer.update(ok=False, error=reason(e))
            traceback.print_exc(file=sys.stderr)
        answer["seconds"] = round(time.time() - t0, 3)
        PROTOCOL.write(json.dumps(answer) + "\n")
        PROTOCOL.flush()


def reason(e):
    text = str(e) or e.__class__.__name__
    if isinstance(e, exceptions.PagedInvalidAddressException):
        text = f"page fault at {hex(e.invalid_address)} in {e.layer_name}: memory not in the image (smear or paged out)"
    elif isinstance(e, exceptions.InvalidAddressException):
        text = f"invalid address {hex(e.invalid_address)} in {e.layer_name}"
    elif isinstance(e, exceptions.UnsatisfiedException):
        text = "Volatility could not find the kernel in the image with this symbol table: " + ", ".join(e.unsatisfied)
    return f"{e.__class__.__name__}: {text}"[:500]


if __name__ == "__main__":
    main()
