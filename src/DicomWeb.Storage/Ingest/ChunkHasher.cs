using System.Buffers;
using System.IO.Hashing;
using System.Threading.Channels;

namespace DicomWeb.Storage.Ingest;

/// <summary>
/// Hashes pooled chunks in order on another thread while the caller receives and writes the next ones. At most
/// <see cref="MaxQueued"/> chunks wait, so memory stays bounded when hashing falls behind. Every chunk handed over is
/// returned to <see cref="ArrayPool{T}.Shared"/> once hashed (or abandoned).
/// </summary>
internal sealed class ChunkHasher
{
    private const int MaxQueued = 4;

    private readonly Channel<(byte[] Buffer, int Length)> _chunks =
        Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(MaxQueued) { SingleReader = true });
    private readonly NonCryptographicHashAlgorithm _hash;
    private readonly Task _hashing;
    private volatile bool _abandoned;

    public ChunkHasher(NonCryptographicHashAlgorithm hash)
    {
        _hash = hash;
        _hashing = Task.Run(HashAsync);
    }

    /// <summary>Queues a filled buffer; it belongs to the hasher from now on.</summary>
    public ValueTask AddAsync(byte[] buffer, int length, CancellationToken cancellationToken) =>
        _chunks.Writer.WriteAsync((buffer, length), cancellationToken);

    /// <summary>Waits until every queued chunk is hashed.</summary>
    public Task CompleteAsync()
    {
        _chunks.Writer.TryComplete();
        return _hashing;
    }

    /// <summary>Stops hashing and returns the queued buffers to the pool.</summary>
    public async Task AbandonAsync()
    {
        _abandoned = true;
        _chunks.Writer.TryComplete();
        try
        {
            await _hashing;
        }
        catch (Exception)
        {
            // Whatever failed the hashing, the hash is thrown away with the staged file; the caller rethrows its own error.
        }
    }

    private async Task HashAsync()
    {
        try
        {
            await foreach (var (buffer, length) in _chunks.Reader.ReadAllAsync())
            {
                try
                {
                    if (!_abandoned) _hash.Append(buffer.AsSpan(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception e)
        {
            // A writer waiting for room must not wait forever: closing the channel fails its next write.
            _chunks.Writer.TryComplete(e);
            while (_chunks.Reader.TryRead(out var left)) ArrayPool<byte>.Shared.Return(left.Buffer);
            throw;
        }
    }
}
