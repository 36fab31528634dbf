using System.IO.Pipelines;

namespace DicomWeb.Server.Wado;

/// <summary>
/// Lets code that writes synchronously in small pieces (ZipArchive's headers and data descriptors) write to a response body
/// that only takes asynchronous writes: synchronous writes are held in memory and go out before the next asynchronous
/// write or flush. Large data must be written asynchronously.
/// </summary>
internal sealed class SyncWriteBuffer(Stream inner) : Stream
{
    private readonly MemoryStream _pending = new();

    /// <inheritdoc />
    public override bool CanRead => false;
    /// <inheritdoc />
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override bool CanWrite => true;
    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc />
    public override void Flush() { }
    /// <inheritdoc />
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await WritePendingAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }
    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => _pending.Write(buffer, offset, count);
    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer) => _pending.Write(buffer);
    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await WritePendingAsync(cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
    }
    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    private async Task WritePendingAsync(CancellationToken cancellationToken)
    {
        if (_pending.Length == 0) return;
        await inner.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), cancellationToken);
        _pending.SetLength(0);
    }
}

/// <summary>Turns "write to a stream" code (the Part 10 writer, the XML writer) into a stream to read from, through a pipe.</summary>
internal static class ProducedStream
{
    /// <summary>
    /// Runs <paramref name="produce"/> against the writing end of a pipe while <paramref name="consume"/> reads the other
    /// end; the pipe's back-pressure bounds the memory in between. An exception on either side ends both.
    /// </summary>
    public static async Task RunAsync(Func<Stream, CancellationToken, Task> produce, Func<Stream, Task> consume, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                await using (var writing = pipe.Writer.AsStream(leaveOpen: true)) await produce(writing, stop.Token);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
            }
        }, CancellationToken.None);
        try
        {
            await using var reading = pipe.Reader.AsStream(leaveOpen: true);
            await consume(reading);
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
        finally
        {
            await pipe.Reader.CompleteAsync();
            await producer;
        }
    }
}
