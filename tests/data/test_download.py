"""Downloads against a real HTTP server on 127.0.0.1 that serves generated IDX files."""

import hashlib
import http.server
import threading

import pytest

from deltaprop.cli import main
from deltaprop.data import download_dataset, download_file, load_mnist_format
from deltaprop.data.download import SOURCES

from .helpers import tiny_mnist


class _Handler(http.server.BaseHTTPRequestHandler):
    files = {}              # name -> bytes
    cut_next = set()        # names whose next full response is cut in half
    log = []                # (path, Range header)

    def do_GET(self):
        name = self.path.lstrip("/")
        self.log.append((name, self.headers.get("Range")))
        if name not in self.files:
            self.send_error(404)
            return
        body, start = self.files[name], 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].split("=")[1].split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        if name in self.cut_next:
            self.cut_next.discard(name)
            self.wfile.write(body[start:start + (len(body) - start) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body[start:])

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    tiny_mnist(tmp_path / "source")
    _Handler.files = {p.name: p.read_bytes() for p in (tmp_path / "source").iterdir()}
    _Handler.cut_next, _Handler.log = set(), []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", _Handler
    httpd.shutdown()
    httpd.server_close()


def _sha256(data):
    return ("sha256", hashlib.sha256(data).hexdigest())


def test_download_dataset_verifies_and_loads(server, tmp_path):
    base, handler = server
    checksums = {name: _sha256(data) for name, data in handler.files.items()}
    target = download_dataset("mnist", tmp_path / "cache", url_base=base, checksums=checksums)
    assert sorted(p.name for p in target.iterdir()) == sorted(handler.files)
    assert load_mnist_format("mnist", target).X_train.shape == (120, 784)
    handler.log.clear()
    download_dataset("mnist", tmp_path / "cache", url_base=base, checksums=checksums)
    assert handler.log == []            # already there, checksums match: nothing fetched


def test_interrupted_download_resumes_with_a_range_request(server, tmp_path):
    base, handler = server
    name = "train-images-idx3-ubyte.gz"
    data = handler.files[name]
    handler.cut_next.add(name)
    dest = tmp_path / name
    with pytest.raises(OSError, match="run again to resume"):
        download_file(base + name, dest, _sha256(data))
    part = tmp_path / (name + ".part")
    assert not dest.exists() and 0 < part.stat().st_size < len(data)
    download_file(base + name, dest, _sha256(data))
    assert dest.read_bytes() == data and not part.exists()
    assert handler.log[-1] == (name, f"bytes={len(data) // 2}-")


def test_md5_checksums_work_too(server, tmp_path):
    base, handler = server
    name = "t10k-labels-idx1-ubyte.gz"
    md5 = ("md5", hashlib.md5(handler.files[name]).hexdigest())
    assert download_file(base + name, tmp_path / name, md5).read_bytes() == handler.files[name]


def test_checksum_mismatch_keeps_nothing(server, tmp_path):
    base, _ = server
    name = "t10k-labels-idx1-ubyte.gz"
    out = tmp_path / "out"
    with pytest.raises(ValueError, match="checksum mismatch"):
        download_file(base + name, out / name, ("sha256", "0" * 64))
    assert list(out.iterdir()) == []


def test_http_errors_are_one_line_oserrors(server, tmp_path):
    base, _ = server
    with pytest.raises(OSError, match="HTTP 404"):
        download_file(base + "missing.gz", tmp_path / "missing.gz")


def test_cli_checks_the_official_checksums(server, tmp_path, capsys):
    base, _ = server
    code = main(["download", "fashion-mnist", "--dir", str(tmp_path), "--url-base", base, "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "checksum mismatch" in err and "Traceback" not in err
    assert not any(p.suffix == ".gz" for p in (tmp_path / "fashion-mnist").iterdir())


def test_official_sources_cover_the_four_files():
    for base, files in SOURCES.values():
        assert base.startswith("http") and len(files) == 4
        assert all(algorithm == "md5" and len(digest) == 32 for algorithm, digest in files.values())
