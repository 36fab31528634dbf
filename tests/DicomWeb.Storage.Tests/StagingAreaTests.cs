using DicomWeb.Storage.Ingest;

namespace DicomWeb.Storage.Tests;

/// <summary>
/// Staging of parts: flushes of large ones start while the part still arrives; the staged file and its hash must be
/// exactly those of the bytes sent, and a part that fails half-way must leave nothing behind.
/// </summary>
public sealed class StagingAreaTests : IDisposable
{
    private const int Megabyte = 1024 * 1024;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dicomweb-staging-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_part_larger_than_the_flush_threshold_is_staged_with_its_exact_bytes_and_hash(bool flushToDisk)
    {
        var staging = new StagingArea(_root, flushToDisk);
        // Past the threshold, and not a multiple of any buffer size.
        var data = RandomBytes((int)StagingArea.FlushEvery + 3 * Megabyte + 12345);

        var staged = await staging.StageAsync(new UnevenReadStream(data), CancellationToken.None);
        await staged.FlushAsync();

        Assert.Equal(data.Length, staged.Length);
        Assert.Equal(ContentHash.Of(data), staged.ContentHash);
        Assert.Equal(data, await File.ReadAllBytesAsync(staged.Path));
        await using (var read = staged.OpenRead())
        {
            var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(data, copy.ToArray());
        }
        await staged.DisposeAsync();
        Assert.Empty(Directory.EnumerateFiles(staging.Folder));
    }

    [Fact]
    public async Task A_small_part_is_staged_with_its_exact_bytes_and_hash()
    {
        var staging = new StagingArea(_root);
        var data = RandomBytes(Megabyte / 2 + 7);

        await using var staged = await staging.StageAsync(new UnevenReadStream(data), CancellationToken.None);

        Assert.Equal(ContentHash.Of(data), staged.ContentHash);
        Assert.Equal(data, await File.ReadAllBytesAsync(staged.Path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_staged_file_moved_into_place_is_flushed_under_its_new_name_and_survives_the_disposal(bool flushToDisk)
    {
        // The store moves the staged file first and flushes it afterwards, so that one commit makes the name durable too.
        var staging = new StagingArea(_root, flushToDisk);
        var data = RandomBytes(Megabyte / 2 + 11);
        var target = Path.Combine(_root, "moved.dcm");

        await using (var staged = await staging.StageAsync(new UnevenReadStream(data), CancellationToken.None))
        {
            File.Move(staged.Path, target);
            var flush = staged.FlushAsync();
            Assert.Same(flush, staged.FlushAsync());
            await flush;
        }

        Assert.Equal(data, await File.ReadAllBytesAsync(target));
        Assert.Empty(Directory.EnumerateFiles(staging.Folder));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_part_that_fails_after_a_background_flush_started_leaves_no_staged_file(bool flushToDisk)
    {
        var staging = new StagingArea(_root, flushToDisk);
        var data = RandomBytes((int)StagingArea.FlushEvery + 2 * Megabyte);

        var e = await Assert.ThrowsAsync<IOException>(() =>
            staging.StageAsync(new UnevenReadStream(data, failAfter: data.Length - 1000), CancellationToken.None));

        Assert.Equal("connection lost", e.Message);
        Assert.Empty(Directory.EnumerateFiles(staging.Folder));
    }

    [Fact]
    public async Task A_part_cancelled_half_way_leaves_no_staged_file()
    {
        var staging = new StagingArea(_root);
        var data = RandomBytes(4 * Megabyte);
        using var cancel = new CancellationTokenSource();
        var stream = new UnevenReadStream(data, cancelAfter: (2 * Megabyte, cancel));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => staging.StageAsync(stream, cancel.Token));

        Assert.Empty(Directory.EnumerateFiles(staging.Folder));
    }

    private static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    /// <summary>
    /// Serves reads of varying sizes, as a socket does; can fail or cancel once a given number of bytes has been read.
    /// </summary>
    private sealed class UnevenReadStream(byte[] data, int failAfter = int.MaxValue, (int At, CancellationTokenSource Source)? cancelAfter = null) : Stream
    {
        private static readonly int[] Sizes = [1, 4096, 65536, 70000, 131072, 333];
        private int _position;
        private int _reads;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= failAfter) throw new IOException("connection lost");
            var n = Math.Min(Math.Min(buffer.Length, Sizes[_reads++ % Sizes.Length]), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (cancelAfter is { } c && _position >= c.At) c.Source.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
