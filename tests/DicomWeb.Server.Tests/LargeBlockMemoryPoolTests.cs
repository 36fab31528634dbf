using System.Net;
using DicomWeb.Dicom.Tests;
using DicomWeb.Server.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWeb.Server.Tests;

/// <summary>Kestrel's connection buffers come in large blocks, so that a STOW body is received in few system calls.</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Blocks_are_large_reused_once_returned_and_a_second_return_does_not_hand_one_block_out_twice()
    {
        using var pool = new LargeBlockMemoryPool();
        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);

        var first = pool.Rent(2048);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, first.Memory.Length);
        first.Memory.Span.Fill(7);
        first.Dispose();
        first.Dispose();

        var again = pool.Rent();
        var other = pool.Rent();
        Assert.Same(first, again);
        Assert.NotSame(again, other);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public void No_more_than_the_retention_limit_is_kept()
    {
        using var pool = new LargeBlockMemoryPool();
        var rented = Enumerable.Range(0, LargeBlockMemoryPool.MaxRetained + 10).Select(_ => pool.Rent()).ToList();
        foreach (var block in rented) block.Dispose();

        var reused = Enumerable.Range(0, LargeBlockMemoryPool.MaxRetained + 10).Select(_ => pool.Rent()).Count(rented.Contains);

        Assert.Equal(LargeBlockMemoryPool.MaxRetained, reused);
    }

    [Fact]
    public async Task The_server_gives_kestrel_the_large_block_pool_and_stores_a_body_received_through_it()
    {
        await using var server = await ServerHarness.StartAsync();
        Assert.IsType<LargeBlockMemoryPoolFactory>(server.Services.GetRequiredService<IMemoryPoolFactory<byte>>());

        // A file of several blocks, so that its bytes cross block boundaries on the way in.
        var bytes = TestData.DicomPaths().Select(p => File.ReadAllBytes(TestData.PathOf(p)))
            .First(b => b.Length > 3 * LargeBlockMemoryPool.BlockSize);
        using var response = await server.Client.PostAsync("/dicom-web/studies", new MultipartBody().Part(bytes).Close().ToContent());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = Assert.Single(server.BlobFiles(), f => f.EndsWith(".dcm", StringComparison.Ordinal));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(stored));
    }
}
