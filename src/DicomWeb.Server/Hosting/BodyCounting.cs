using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace DicomWeb.Server.Hosting;

/// <summary>
/// Counts the bytes a request reads and a response writes, whichever API the handler uses (Stream or PipeReader/PipeWriter,
/// SendFile), by wrapping the server's own body features: no extra copy on the way.
/// </summary>
internal sealed class BodyCounts
{
    public long BytesIn;
    public long BytesOut;

    /// <summary>Wraps the request and response bodies of <paramref name="context"/> so they count into a new <see cref="BodyCounts"/>.</summary>
    public static BodyCounts Attach(HttpContext context)
    {
        var counts = new BodyCounts();
        var features = context.Features;
        // Take the server's pipe reader before replacing the request stream: once Body changes, Kestrel would wrap the new stream.
        var reader = features.Get<IRequestBodyPipeFeature>()?.Reader;
        var request = features.Get<IHttpRequestFeature>();
        if (request != null)
        {
            request.Body = new CountingReadStream(request.Body, counts);
            // Without a server pipe, ASP.NET builds the reader over Body, which now counts.
            if (reader != null) features.Set<IRequestBodyPipeFeature>(new CountingRequestPipe(new CountingPipeReader(reader, counts)));
        }
        var response = features.Get<IHttpResponseBodyFeature>();
        if (response != null) features.Set<IHttpResponseBodyFeature>(new CountingResponseBody(response, counts));
        return counts;
    }

    private sealed class CountingRequestPipe(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }

    private sealed class CountingPipeReader(PipeReader inner, BodyCounts counts) : PipeReader
    {
        private System.Buffers.ReadOnlySequence<byte> _last;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            // Most reads complete at once from buffered data; only the others pay for a state machine.
            var pending = inner.ReadAsync(cancellationToken);
            if (!pending.IsCompletedSuccessfully) return Remember(pending);
            _last = pending.Result.Buffer;
            return new ValueTask<ReadResult>(pending.Result);
        }

        private async ValueTask<ReadResult> Remember(ValueTask<ReadResult> pending)
        {
            var result = await pending;
            _last = result.Buffer;
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result)) return false;
            _last = result.Buffer;
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed)
        {
            Count(consumed);
            inner.AdvanceTo(consumed);
        }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            Count(consumed);
            inner.AdvanceTo(consumed, examined);
        }

        private void Count(SequencePosition consumed)
        {
            counts.BytesIn += _last.Slice(_last.Start, consumed).Length;
            _last = default;
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }

    private sealed class CountingReadStream(Stream inner, BodyCounts counts) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));
        public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Counted(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        private int Counted(int read)
        {
            counts.BytesIn += read;
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class CountingResponseBody(IHttpResponseBodyFeature inner, BodyCounts counts) : IHttpResponseBodyFeature
    {
        private Stream? _stream;
        private PipeWriter? _writer;

        public Stream Stream => _stream ??= new CountingWriteStream(inner.Stream, counts);
        public PipeWriter Writer => _writer ??= new CountingPipeWriter(inner.Writer, counts);

        public void DisableBuffering() => inner.DisableBuffering();
        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
        public Task CompleteAsync() => inner.CompleteAsync();

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
        {
            counts.BytesOut += count ?? new FileInfo(path).Length - offset;
            return inner.SendFileAsync(path, offset, count, cancellationToken);
        }
    }

    private sealed class CountingPipeWriter(PipeWriter inner, BodyCounts counts) : PipeWriter
    {
        public override void Advance(int bytes)
        {
            counts.BytesOut += bytes;
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;
        public override long UnflushedBytes => inner.UnflushedBytes;

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            counts.BytesOut += source.Length;
            return inner.WriteAsync(source, cancellationToken);
        }
    }

    private sealed class CountingWriteStream(Stream inner, BodyCounts counts) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            counts.BytesOut += count;
            inner.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            counts.BytesOut += buffer.Length;
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            counts.BytesOut += buffer.Length;
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
