using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace DicomWeb.Dicom.IO;

/// <summary>
/// A forward reader over a stream with a pooled buffer, absolute positions and cheap skips
/// (a seek on seekable streams, a discard on forward-only ones). Every read is bounded by
/// what the stream actually delivers, so no length taken from the data drives an allocation.
/// </summary>
internal sealed class DicomByteReader : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private readonly Stream _stream;
    // Asked of the stream only when first needed: for a file it is a system call, and a header parse rarely needs it.
    private long _streamLength = -2;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferOrigin;
    private bool _eof;
    private int _readSize = 8 * 1024;

    /// <param name="stream">The source.</param>
    /// <param name="startsAtZero">
    /// The stream is read from offset 0: whether it can seek is then asked only when first needed (for a file handle
    /// that is a system call, and a header parse rarely needs it).
    /// </param>
    public DicomByteReader(Stream stream, bool startsAtZero = false)
    {
        _stream = stream;
        _bufferOrigin = startsAtZero || !CanSeek ? 0 : stream.Position;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>True when skipped values can be read again later by offset.</summary>
    public bool CanSeek => _canSeek ??= _stream.CanSeek;

    private bool? _canSeek;

    /// <summary>The absolute position of the next byte.</summary>
    public long Position => _bufferOrigin + _start;

    /// <summary>Bytes left when the stream length is known, else -1.</summary>
    public long Remaining => StreamLength < 0 ? -1 : StreamLength - Position;

    private long StreamLength => _streamLength == -2 ? _streamLength = CanSeek ? _stream.Length : -1 : _streamLength;

    /// <summary>Bytes available in the buffer without a read.</summary>
    public int Buffered => _end - _start;

    /// <summary>Makes at least <paramref name="count"/> bytes available; false when the stream ends first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryFill(int count) => _end - _start >= count || Fill(count);

    private bool Fill(int count)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _bufferOrigin += _start;
            _end -= _start;
            _start = 0;
        }
        if (count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(count);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        while (_end < count && !_eof)
        {
            // Reads start small and grow: a header is often a few KB and a 64 KB read of it is wasted copying.
            var n = _stream.Read(_buffer, _end, Math.Min(_buffer.Length - _end, Math.Max(count - _end, _readSize)));
            _readSize = Math.Min(_readSize * 2, _buffer.Length);
            if (n == 0) _eof = true;
            _end += n;
        }
        return _end - _start >= count;
    }

    /// <summary>True when no byte is left.</summary>
    public bool AtEnd => !TryFill(1);

    /// <summary>
    /// All the bytes available without a read, not consumed. Writable, for a caller that rewrites bytes it is about
    /// to consume (they are never read again from here).
    /// </summary>
    public Span<byte> WritableBufferedBytes => _buffer.AsSpan(_start, _end - _start);

    /// <summary>The next <paramref name="count"/> bytes, not consumed. Call <see cref="TryFill"/> first.</summary>
    public ReadOnlySpan<byte> Peek(int count) => _buffer.AsSpan(_start, count);

    /// <summary>Consumes bytes already made available.</summary>
    public void Advance(int count) => _start += count;

    public ushort ReadUInt16(bool bigEndian)
    {
        Require(2);
        var span = _buffer.AsSpan(_start, 2);
        _start += 2;
        return bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);
    }

    public uint ReadUInt32(bool bigEndian)
    {
        Require(4);
        var span = _buffer.AsSpan(_start, 4);
        _start += 4;
        return bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
    }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes or throws <see cref="EndOfStreamException"/>.</summary>
    public void ReadExactly(Span<byte> destination)
    {
        var fromBuffer = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, fromBuffer).CopyTo(destination);
        _start += fromBuffer;
        destination = destination[fromBuffer..];
        while (destination.Length > 0)
        {
            if (destination.Length >= _buffer.Length)
            {
                // Large reads bypass the buffer.
                var n = _stream.Read(destination);
                if (n == 0) throw new EndOfStreamException();
                _bufferOrigin += _end + n;
                _start = _end = 0;
                destination = destination[n..];
            }
            else
            {
                if (!TryFill(destination.Length)) throw new EndOfStreamException();
                _buffer.AsSpan(_start, destination.Length).CopyTo(destination);
                _start += destination.Length;
                destination = default;
            }
        }
    }

    /// <summary>
    /// Reads a value of <paramref name="length"/> bytes. Memory grows only as bytes arrive,
    /// so a length that lies costs at most what the stream really holds.
    /// </summary>
    public byte[] ReadBytes(long length)
    {
        if (length == 0) return [];
        const int trusted = 1 << 20;
        if (length <= trusted || (Remaining >= 0 && length <= Remaining))
        {
            if (length > Array.MaxLength) throw new EndOfStreamException();
            var result = new byte[length];
            ReadExactly(result);
            return result;
        }
        if (length > Array.MaxLength) throw new EndOfStreamException();
        var buffer = new byte[trusted];
        long filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(length, (long)buffer.Length * 2));
            var chunk = (int)Math.Min(buffer.Length - filled, length - filled);
            ReadExactly(buffer.AsSpan((int)filled, chunk));
            filled += chunk;
        }
        return buffer;
    }

    /// <summary>Skips <paramref name="count"/> bytes; throws <see cref="EndOfStreamException"/> when fewer remain.</summary>
    public void Skip(long count)
    {
        var inBuffer = _end - _start;
        if (count <= inBuffer)
        {
            _start += (int)count;
            return;
        }
        if (CanSeek)
        {
            var target = Position + count;
            if (target > StreamLength) throw new EndOfStreamException();
            _stream.Position = target;
            _bufferOrigin = target;
            _start = _end = 0;
            _eof = false;
            return;
        }
        count -= inBuffer;
        _start = _end;
        while (count > 0)
        {
            _bufferOrigin += _end;
            _start = _end = 0;
            var n = _stream.Read(_buffer, 0, (int)Math.Min(_buffer.Length, count));
            if (n == 0) throw new EndOfStreamException();
            _end = n;
            _start = n;
            count -= n;
        }
    }

    /// <summary>
    /// Hands over the rest of the stream (buffered bytes first) to a new consumer,
    /// e.g. an inflater for a deflated data set. This reader must not be used afterwards.
    /// </summary>
    public Stream DetachRemainder()
    {
        var prefix = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end;
        return new PrefixedReadStream(prefix, _stream);
    }

    private void Require(int count)
    {
        if (!TryFill(count)) throw new EndOfStreamException();
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private sealed class PrefixedReadStream(byte[] prefix, Stream inner) : ReadOnlyStream
    {
        private int _prefixPosition;
        public override int Read(Span<byte> buffer)
        {
            if (_prefixPosition < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _prefixPosition);
                prefix.AsSpan(_prefixPosition, n).CopyTo(buffer);
                _prefixPosition += n;
                return n;
            }
            return inner.Read(buffer);
        }
    }
}
