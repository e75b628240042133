"""A small pure-Python flattened device tree (DTB) reader.

Used by the end-to-end test helpers (compare_guest_dt.py); run
with /usr/bin/python3. Only the standard library is needed.
"""
import struct

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9


class Node:
    def __init__(self, name=""):
        self.name = name
        self.props = {}          # name -> bytes, insertion-ordered
        self.children = []

    # -- navigation --
    def child(self, name):
        for c in self.children:
            if c.name == name:
                return c
        return None

    def add(self, name):
        n = self.child(name)
        if n is None:
            n = Node(name)
            self.children.append(n)
        return n

    def find(self, path):
        if path in ("", "/"):
            return self
        n = self
        for part in path.strip("/").split("/"):
            n = n.child(part)
            if n is None:
                return None
        return n

    def walk(self, path="/"):
        yield path, self
        for c in self.children:
            yield from c.walk((path.rstrip("/") + "/" + c.name))

    # -- property helpers --
    def set_cells(self, name, *cells):
        self.props[name] = b"".join(struct.pack(">I", c & 0xFFFFFFFF) for c in cells)

    def set_str(self, name, *strings):
        self.props[name] = b"".join(s.encode() + b"\0" for s in strings)

    def set_empty(self, name):
        self.props[name] = b""

    def cells(self, name):
        v = self.props.get(name)
        if v is None:
            return None
        return list(struct.unpack(">%dI" % (len(v) // 4), v[: len(v) // 4 * 4]))

    def strings(self, name):
        v = self.props.get(name)
        if v is None:
            return None
        return [s.decode(errors="replace") for s in v.rstrip(b"\0").split(b"\0")]


class Tree:
    def __init__(self, root=None, memrsv=None, boot_cpuid=0):
        self.root = root if root is not None else Node("")
        self.memrsv = memrsv or []
        self.boot_cpuid = boot_cpuid

    def find(self, path):
        return self.root.find(path)

    def phandles(self):
        out = {}
        for path, n in self.root.walk():
            for key in ("phandle", "linux,phandle"):
                if key in n.props and len(n.props[key]) == 4:
                    out[struct.unpack(">I", n.props[key])[0]] = path
        return out


def parse(blob):
    (magic, totalsize, off_struct, off_strings, off_rsv, version, _last,
     boot_cpuid, size_strings, size_struct) = struct.unpack_from(">10I", blob, 0)
    if magic != FDT_MAGIC:
        raise ValueError("not a DTB (bad magic)")
    if totalsize > len(blob):
        raise ValueError("truncated DTB")
    memrsv = []
    o = off_rsv
    while True:
        addr, size = struct.unpack_from(">QQ", blob, o)
        o += 16
        if addr == 0 and size == 0:
            break
        memrsv.append((addr, size))
    strings = blob[off_strings:off_strings + size_strings]

    def getstr(off):
        end = strings.index(b"\0", off)
        return strings[off:end].decode()

    o = off_struct
    stack = []
    root = None
    while True:
        (tok,) = struct.unpack_from(">I", blob, o)
        o += 4
        if tok == FDT_BEGIN_NODE:
            end = blob.index(b"\0", o)
            name = blob[o:end].decode()
            o = (end + 1 + 3) & ~3
            n = Node(name)
            if stack:
                stack[-1].children.append(n)
            else:
                root = n
            stack.append(n)
        elif tok == FDT_END_NODE:
            stack.pop()
        elif tok == FDT_PROP:
            ln, nameoff = struct.unpack_from(">II", blob, o)
            o += 8
            stack[-1].props[getstr(nameoff)] = bytes(blob[o:o + ln])
            o = (o + ln + 3) & ~3
        elif tok == FDT_NOP:
            pass
        elif tok == FDT_END:
            break
        else:
            raise ValueError("bad FDT token %#x at %#x" % (tok, o - 4))
    return Tree(root, memrsv, boot_cpuid)


def load(path):
    with open(path, "rb") as f:
        return parse(f.read())


def fmt_prop(v):
    """Render a property value dtc-style, for messages."""
    if v == b"":
        return "<empty>"
    if v.endswith(b"\0") and all(32 <= b < 127 or b == 0 for b in v) \
            and b"\0\0" not in v and v[0] != 0:
        return ", ".join('"%s"' % s.decode() for s in v[:-1].split(b"\0"))
    if len(v) % 4 == 0:
        return "<%s>" % " ".join("%#x" % c for c in struct.unpack(">%dI" % (len(v) // 4), v))
    return "[%s]" % v.hex(" ")
