using System.Buffers;
using System.Buffers.Binary;

namespace DicomWeb.Dicom.IO;

/// <summary>
/// A forward writer with one pooled buffer in front of a stream: headers and small values are gathered in the buffer
/// and reach the stream in buffer-sized writes; large values are copied through the same buffer (and byte-swapped
/// there for big endian output). Every operation runs either synchronously or asynchronously, as chosen at
/// construction, so one encoder serves both the sync and the async API (in sync mode the returned tasks are always
/// complete).
/// </summary>
internal sealed class DicomBufferedWriter : IDisposable
{
    private Stream _stream;
    private byte[] _buffer;
    private int _position;
    private readonly bool _async;
    private readonly CancellationToken _cancellationToken;

    public DicomBufferedWriter(Stream stream, int bufferSize, bool async, CancellationToken cancellationToken)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, 1024));
        _async = async;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Bytes handed to this writer so far (buffered or written), across stream switches.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>True when the writer was made for the async API.</summary>
    public bool IsAsync => _async;

    /// <summary>The stream that currently receives the output.</summary>
    public Stream Stream => _stream;

    /// <summary>Sends what is buffered to the stream, then directs further output to <paramref name="stream"/>.</summary>
    public async ValueTask SwitchStreamAsync(Stream stream)
    {
        await FlushBufferAsync().ConfigureAwait(false);
        _stream = stream;
    }

    /// <summary>Makes room for <paramref name="count"/> contiguous bytes (at most 1 KiB).</summary>
    public ValueTask EnsureAsync(int count) => _buffer.Length - _position >= count ? default : FlushBufferAsync();

    /// <summary>Hands out the next <paramref name="count"/> buffer bytes to fill; call <see cref="EnsureAsync"/> first.</summary>
    public Span<byte> Take(int count)
    {
        var span = _buffer.AsSpan(_position, count);
        _position += count;
        BytesWritten += count;
        return span;
    }

    /// <summary>Writes a 16-bit value in the given byte order; room must have been ensured.</summary>
    public void PutUInt16(ushort value, bool bigEndian)
    {
        var span = Take(2);
        if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(span, value);
        else BinaryPrimitives.WriteUInt16LittleEndian(span, value);
    }

    /// <summary>Writes a 32-bit value in the given byte order; room must have been ensured.</summary>
    public void PutUInt32(uint value, bool bigEndian)
    {
        var span = Take(4);
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(span, value);
        else BinaryPrimitives.WriteUInt32LittleEndian(span, value);
    }

    /// <summary>Writes <paramref name="count"/> copies of <paramref name="value"/>.</summary>
    public async ValueTask FillAsync(byte value, int count)
    {
        while (count > 0)
        {
            if (_position == _buffer.Length) await FlushBufferAsync().ConfigureAwait(false);
            var n = Math.Min(count, _buffer.Length - _position);
            Take(n).Fill(value);
            count -= n;
        }
    }

    /// <summary>
    /// Writes bytes held in memory, swapping each <paramref name="swapUnit"/>-byte unit when it is 2, 4 or 8
    /// (the source is never modified: swapping happens in the write buffer).
    /// </summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, int swapUnit)
    {
        if (swapUnit <= 1 && data.Length >= _buffer.Length)
        {
            // One large contiguous block: top the buffer up and send it full, then hand the rest (still at least a
            // buffer's worth) to the stream in one write instead of copying it through the buffer.
            var top = _buffer.Length - _position;
            data.Span[..top].CopyTo(Take(top));
            data = data[top..];
            await FlushBufferAsync().ConfigureAwait(false);
            if (data.Length >= _buffer.Length)
            {
                if (_async) await _stream.WriteAsync(data, _cancellationToken).ConfigureAwait(false);
                else _stream.Write(data.Span);
                BytesWritten += data.Length;
                return;
            }
        }
        while (!data.IsEmpty)
        {
            var free = _buffer.Length - _position;
            var n = Math.Min(free, data.Length);
            // Keep swap units whole within one buffer fill.
            if (swapUnit > 1 && n < data.Length) n -= n % swapUnit;
            if (n == 0)
            {
                await FlushBufferAsync().ConfigureAwait(false);
                continue;
            }
            var target = Take(n);
            data.Span[..n].CopyTo(target);
            if (swapUnit > 1) ByteSwap.InPlace(target, swapUnit);
            data = data[n..];
        }
    }

    /// <summary>
    /// Copies exactly <paramref name="length"/> bytes from <paramref name="source"/> through the buffer, applying
    /// <paramref name="firstSwap"/> then <paramref name="secondSwap"/> (each 0/1 for none, else 2, 4 or 8) to every chunk.
    /// </summary>
    /// <exception cref="EndOfStreamException">The source ends early.</exception>
    public async ValueTask CopyFromAsync(Stream source, long length, int firstSwap, int secondSwap)
    {
        if (firstSwap == secondSwap) firstSwap = secondSwap = 0; // swapping twice by the same unit is the identity
        while (length > 0)
        {
            var free = _buffer.Length - _position;
            if (free < 8)
            {
                await FlushBufferAsync().ConfigureAwait(false);
                continue;
            }
            var n = (int)Math.Min(free, length);
            // A multiple of 8 keeps every swap unit inside one chunk (only the final chunk may be shorter).
            if (n < length) n &= ~7;
            var target = _buffer.AsMemory(_position, n);
            if (_async) await source.ReadExactlyAsync(target, _cancellationToken).ConfigureAwait(false);
            else source.ReadExactly(target.Span);
            if (firstSwap > 1) ByteSwap.InPlace(target.Span, firstSwap);
            if (secondSwap > 1) ByteSwap.InPlace(target.Span, secondSwap);
            _position += n;
            BytesWritten += n;
            length -= n;
        }
    }

    /// <summary>Sends the buffered bytes to the stream.</summary>
    public async ValueTask FlushBufferAsync()
    {
        if (_position == 0) return;
        if (_async) await _stream.WriteAsync(_buffer.AsMemory(0, _position), _cancellationToken).ConfigureAwait(false);
        else _stream.Write(_buffer, 0, _position);
        _position = 0;
    }

    /// <summary>Sends the buffered bytes and flushes the stream.</summary>
    public async ValueTask FlushAsync()
    {
        await FlushBufferAsync().ConfigureAwait(false);
        if (_async) await _stream.FlushAsync(_cancellationToken).ConfigureAwait(false);
        else _stream.Flush();
    }

    /// <summary>Returns the buffer to the pool (unflushed bytes are dropped).</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
