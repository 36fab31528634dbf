using System.Buffers.Binary;
using DicomWeb.Dicom;

namespace DicomWeb.Server.Wado;

/// <summary>
/// Reads byte ranges of a seekable blob one after the other as one stream, optionally reversing the bytes of each
/// <c>swapUnit</c>-byte word (big endian values to little endian; words count from each range's start), and optionally
/// only a window of the concatenation (for HTTP Range requests).
/// </summary>
internal sealed class BlobRangeStream : Stream
{
    private readonly Stream _blob;
    private readonly IReadOnlyList<DicomByteRange> _ranges;
    private readonly int _swapUnit;
    private readonly long _total;
    private long _skip;
    private long _remaining;
    private int _range;
    private long _inRange;
    private byte[]? _word;
    private int _wordStart;
    private int _wordEnd;

    /// <param name="blob">The seekable blob; not disposed here.</param>
    /// <param name="ranges">The ranges, in order.</param>
    /// <param name="swapUnit">2, 4 or 8 to swap words to little endian; 0 or 1 for none.</param>
    /// <param name="start">First byte of the concatenation to return.</param>
    /// <param name="count">Number of bytes to return, or -1 for all after <paramref name="start"/>.</param>
    public BlobRangeStream(Stream blob, IReadOnlyList<DicomByteRange> ranges, int swapUnit = 0, long start = 0, long count = -1)
    {
        _blob = blob;
        _ranges = ranges;
        _swapUnit = swapUnit > 1 ? swapUnit : 0;
        _total = ranges.Sum(r => r.Length);
        _skip = start;
        _remaining = count < 0 ? _total - start : Math.Min(count, _total - start);
    }

    /// <inheritdoc />
    public override bool CanRead => true;
    /// <inheritdoc />
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override bool CanWrite => false;
    /// <inheritdoc />
    public override long Length => _remaining;
    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_skip > 0 && _range < _ranges.Count)
        {
            // Skip whole ranges, then whole swap words, so that swapping stays aligned; the rest is dropped after reading.
            var left = _ranges[_range].Length - _inRange;
            if (_skip >= left)
            {
                _skip -= left;
                _range++;
                _inRange = 0;
                continue;
            }
            var aligned = _swapUnit > 0 ? _skip / _swapUnit * _swapUnit : _skip;
            _inRange += aligned;
            _skip -= aligned;
            break;
        }
        if (_remaining <= 0 || buffer.Length == 0) return 0;
        if (_wordEnd > _wordStart) return TakeFromWord(buffer.Span);
        if (_range >= _ranges.Count) return 0;

        var current = _ranges[_range];
        var available = current.Length - _inRange;
        var want = (int)Math.Min(buffer.Length, Math.Min(available, _remaining + _skip));
        if (_swapUnit > 0 && want >= _swapUnit) want = want / _swapUnit * _swapUnit;
        else if (_swapUnit > 0 && want < available)
        {
            // The caller's buffer is smaller than a word: read the whole word, hand it out over several reads.
            _word ??= new byte[_swapUnit];
            _wordEnd = await ReadWordAsync(current, _word, cancellationToken);
            _wordStart = (int)_skip;
            _skip = 0;
            return TakeFromWord(buffer.Span);
        }
        _blob.Position = current.Offset + _inRange;
        var read = await _blob.ReadAtLeastAsync(buffer[..want], want, throwOnEndOfStream: false, cancellationToken);
        if (read < want) throw new EndOfStreamException("the stored file is shorter than its index says");
        _inRange += read;
        if (_inRange >= current.Length)
        {
            _range++;
            _inRange = 0;
        }
        var span = buffer.Span[..read];
        if (_swapUnit > 0) Swap(span, _swapUnit);
        if (_skip > 0)
        {
            var drop = (int)_skip;
            span[drop..].CopyTo(span);
            read -= drop;
            _skip = 0;
        }
        if (read > _remaining) read = (int)_remaining;
        _remaining -= read;
        return read;
    }

    private async Task<int> ReadWordAsync(DicomByteRange current, byte[] word, CancellationToken cancellationToken)
    {
        _blob.Position = current.Offset + _inRange;
        var take = (int)Math.Min(word.Length, current.Length - _inRange);
        await _blob.ReadExactlyAsync(word.AsMemory(0, take), cancellationToken);
        _inRange += take;
        if (_inRange >= current.Length)
        {
            _range++;
            _inRange = 0;
        }
        if (take == _swapUnit) Swap(word, _swapUnit);
        return take;
    }

    private int TakeFromWord(Span<byte> destination)
    {
        var n = (int)Math.Min(Math.Min(_wordEnd - _wordStart, destination.Length), _remaining);
        _word.AsSpan(_wordStart, n).CopyTo(destination);
        _wordStart += n;
        _remaining -= n;
        return n;
    }

    private static void Swap(Span<byte> span, int unit)
    {
        switch (unit)
        {
            case 2:
                for (var i = 0; i + 1 < span.Length; i += 2) (span[i], span[i + 1]) = (span[i + 1], span[i]);
                break;
            case 4:
                for (var i = 0; i + 3 < span.Length; i += 4)
                    BinaryPrimitives.WriteUInt32LittleEndian(span[i..], BinaryPrimitives.ReadUInt32BigEndian(span[i..]));
                break;
            case 8:
                for (var i = 0; i + 7 < span.Length; i += 8)
                    BinaryPrimitives.WriteUInt64LittleEndian(span[i..], BinaryPrimitives.ReadUInt64BigEndian(span[i..]));
                break;
        }
    }

    /// <inheritdoc />
    public override void Flush() { }
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
