namespace DicomWeb.Multipart.Tests;

/// <summary>
/// A read-only stream of <c>prefix</c>, then <c>length</c> bytes of <c>pattern</c> repeated, then <c>suffix</c>,
/// produced on the fly so that huge bodies never sit in memory.
/// </summary>
internal sealed class GeneratedStream : Stream
{
    private readonly byte[] _prefix;
    private readonly byte[] _pattern;
    private readonly long _length;
    private readonly byte[] _suffix;
    private long _position;

    public GeneratedStream(byte[] prefix, byte[] pattern, long length, byte[] suffix)
    {
        _prefix = prefix;
        _pattern = pattern;
        _length = length;
        _suffix = suffix;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _prefix.Length + _length + _suffix.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length)
        {
            long p = _position;
            ReadOnlySpan<byte> source;
            if (p < _prefix.Length)
            {
                source = _prefix.AsSpan((int)p);
            }
            else if (p - _prefix.Length < _length)
            {
                long inBody = p - _prefix.Length;
                int offset = (int)(inBody % _pattern.Length);
                source = _pattern.AsSpan(offset, (int)Math.Min(_pattern.Length - offset, _length - inBody));
            }
            else if (p - _prefix.Length - _length < _suffix.Length)
            {
                source = _suffix.AsSpan((int)(p - _prefix.Length - _length));
            }
            else
            {
                break;
            }

            int n = Math.Min(source.Length, buffer.Length - written);
            source[..n].CopyTo(buffer[written..]);
            written += n;
            _position += n;
        }

        return written;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
