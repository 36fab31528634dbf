using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace DicomWeb.Server.Hosting;

/// <summary>
/// Kestrel's connection buffers in blocks of <see cref="LargeBlockMemoryPool.BlockSize"/> instead of its default 4 KB:
/// the socket transport receives at most one block per system call, so a 0.5 MB STOW part took some 260 receives
/// (half of them the zero-byte reads that wait for data) and now takes a handful. Idle connections still hold no block.
/// </summary>
public sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    /// <inheritdoc />
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}

/// <summary>A pool of pinned blocks of <see cref="BlockSize"/> bytes; at most <see cref="MaxRetained"/> are kept when returned.</summary>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>The size of every block.</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Blocks kept for reuse; more are left to the garbage collector when returned.</summary>
    public const int MaxRetained = 256;

    private readonly ConcurrentQueue<Block> _blocks = new();
    private int _retained;
    private bool _disposed;

    /// <inheritdoc />
    public override int MaxBufferSize => BlockSize;

    /// <inheritdoc />
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (minBufferSize > BlockSize) throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, $"blocks are {BlockSize} bytes");
        if (_blocks.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _retained);
            block.Rented = true;
            return block;
        }
        return new Block(this);
    }

    private void Return(Block block)
    {
        if (_disposed || Interlocked.Increment(ref _retained) > MaxRetained)
        {
            Interlocked.Decrement(ref _retained);
            return;
        }
        _blocks.Enqueue(block);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _blocks.Clear();
    }

    private sealed class Block(LargeBlockMemoryPool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);

        public bool Rented { get; set; } = true;

        public void Dispose()
        {
            // A block given back twice would be handed to two renters at once.
            if (!Rented) return;
            Rented = false;
            pool.Return(this);
        }
    }
}
