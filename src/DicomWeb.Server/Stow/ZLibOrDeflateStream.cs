using System.IO.Compression;
using DicomWeb.Dicom;

namespace DicomWeb.Server.Stow;

/// <summary>Inflates an HTTP "deflate" body: zlib-wrapped as RFC 9110 says, or raw deflate as some clients send.</summary>
internal sealed class ZLibOrDeflateStream(Stream inner) : ReadOnlyStream
{
    private Stream? _decoder;

    /// <summary>Synchronous reads are not used on request bodies; they are here only to complete the Stream contract.</summary>
    public override int Read(Span<byte> buffer)
    {
        var array = new byte[buffer.Length];
        var n = ReadAsync(array).AsTask().GetAwaiter().GetResult();
        array.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _decoder ??= await OpenAsync(cancellationToken);
        return await _decoder.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        var head = new byte[2];
        var read = 0;
        while (read < 2)
        {
            var n = await inner.ReadAsync(head.AsMemory(read), cancellationToken);
            if (n == 0) break;
            read += n;
        }
        // A zlib header: compression method 8 in the low nibble and a header checksum divisible by 31.
        var isZlib = read == 2 && (head[0] & 0x0F) == 8 && ((head[0] << 8) | head[1]) % 31 == 0;
        Stream source = new PrefixStream(head.AsMemory(0, read), inner);
        return isZlib ? new ZLibStream(source, CompressionMode.Decompress) : new DeflateStream(source, CompressionMode.Decompress);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _decoder?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>The two sniffed bytes, then the rest of the body.</summary>
    private sealed class PrefixStream(ReadOnlyMemory<byte> prefix, Stream inner) : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return inner.Read(buffer);
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.IsEmpty) return inner.ReadAsync(buffer, cancellationToken);
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return ValueTask.FromResult(n);
        }
    }
}
