using DicomWeb.Storage.Ingest;
using Microsoft.EntityFrameworkCore;

namespace DicomWeb.Storage.Tests;

/// <summary>
/// Group commit: stores that queue while another holds the index write lock are committed together in one
/// transaction, and each learns its own outcome.
/// </summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task Stores_queued_behind_the_write_lock_commit_in_one_group_and_all_are_stored()
    {
        await using var storage = await StorageHarness.StartAsync();
        var groups = new List<int>();
        storage.Store.Commits.GroupCommitting = size => groups.Add(size);
        var instances = Enumerable.Range(1, 6).Select(i => Variant($"1.2.826.0.1.3680043.2.1125.7.{i}")).ToArray();

        var outcomes = await StoreWhileLockedAsync(storage, instances);

        Assert.All(outcomes, o => Assert.True(o.Stored, o.Message));
        Assert.Equal([6], groups);
        await using var index = storage.OpenIndex();
        Assert.Equal(6, await index.Instances.CountAsync());
        Assert.Equal(1, await index.Studies.CountAsync());
        Assert.Equal(1, await index.Series.CountAsync());
        Assert.Equal(1, await index.Patients.CountAsync());
        Assert.Equal(12, storage.BlobFiles().Length);
        foreach (var (bytes, row) in instances.Zip(await index.Instances.OrderBy(i => i.SopInstanceUid).ToListAsync()))
            Assert.Equal(ContentHash.Of(bytes), row.ContentHash);
    }

    [Fact]
    public async Task A_duplicate_and_an_identical_copy_in_a_group_get_their_own_outcomes_and_the_others_commit()
    {
        await using var storage = await StorageHarness.StartAsync();
        var first = Variant("1.2.826.0.1.3680043.2.1125.8.1");
        Assert.True((await storage.Store.StoreAsync(new MemoryStream(first), null)).Stored);
        var groups = new List<int>();
        storage.Store.Commits.GroupCommitting = size => groups.Add(size);
        var changed = Variant("1.2.826.0.1.3680043.2.1125.8.1", "CHANGED");
        var fresh = Enumerable.Range(2, 3).Select(i => Variant($"1.2.826.0.1.3680043.2.1125.8.{i}")).ToArray();
        // The same new instance twice in one group: the second finds the first's row in the same transaction.
        byte[][] instances = [fresh[0], changed, first, fresh[1], fresh[2], fresh[2]];

        var outcomes = await StoreWhileLockedAsync(storage, instances);

        Assert.Equal([6], groups);
        Assert.True(outcomes[0].Stored, outcomes[0].Message);
        Assert.Equal(StoreFailureReason.DuplicateSopInstance, outcomes[1].FailureReason);
        Assert.True(outcomes[2].Stored);
        Assert.Contains(outcomes[2].Warnings, w => w.Contains("already stored"));
        Assert.True(outcomes[3].Stored && outcomes[4].Stored && outcomes[5].Stored);
        // Whichever of the two copies queued second finds the other's row.
        Assert.Single(new[] { outcomes[4], outcomes[5] }, o => o.Warnings.Any(w => w.Contains("already stored")));
        await using var index = storage.OpenIndex();
        Assert.Equal(4, await index.Instances.CountAsync());
        var kept = await index.Instances.SingleAsync(i => i.SopInstanceUid == "1.2.826.0.1.3680043.2.1125.8.1");
        Assert.Equal(ContentHash.Of(first), kept.ContentHash);
        Assert.Equal(8, storage.BlobFiles().Length);
        Assert.Equal(0, storage.Journal.OpenEntries);
    }

    [Fact]
    public async Task A_row_that_fails_in_a_group_fails_its_own_store_only_and_leaves_no_orphan()
    {
        await using var storage = await StorageHarness.StartAsync();
        var groups = new List<int>();
        storage.Store.Commits.GroupCommitting = size => groups.Add(size);
        storage.Store.Commits.BeforeRowsWritten = rows =>
            rows.Instance.SopInstanceUid.EndsWith(".3", StringComparison.Ordinal) ? throw new InvalidOperationException("injected row fault") : Task.CompletedTask;
        var instances = Enumerable.Range(1, 5).Select(i => Variant($"1.2.826.0.1.3680043.2.1125.9.{i}")).ToArray();

        var attempts = await StoreWhileLockedAsync(storage, instances, tolerateFaults: true);

        Assert.Equal([5], groups);
        for (var i = 0; i < instances.Length; i++)
        {
            if (i == 2) Assert.IsType<InvalidOperationException>(attempts[i].Fault);
            else Assert.True(attempts[i].Outcome!.Stored, attempts[i].Outcome!.Message);
        }
        await using var index = storage.OpenIndex();
        Assert.Equal(4, await index.Instances.CountAsync());
        Assert.False(await index.Instances.AnyAsync(i => i.SopInstanceUid == "1.2.826.0.1.3680043.2.1125.9.3"));
        Assert.Equal(8, storage.BlobFiles().Length);
        Assert.Equal(0, storage.Journal.OpenEntries);
    }

    [Fact]
    public async Task A_store_cancelled_while_queued_is_withdrawn_and_leaves_nothing()
    {
        await using var storage = await StorageHarness.StartAsync();
        using var cancel = new CancellationTokenSource();
        await storage.WriteLock.WaitAsync(CancellationToken.None);
        Task<StoreOutcome> store;
        try
        {
            store = storage.Store.StoreAsync(new MemoryStream(Variant("1.2.826.0.1.3680043.2.1125.10.1")), null, cancel.Token);
            await WaitUntilAsync(() => storage.Store.Commits.QueuedCount == 1 || store.IsCompleted);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store);
        }
        finally
        {
            storage.WriteLock.Release();
        }
        Assert.Empty(storage.BlobFiles());
        await using var index = storage.OpenIndex();
        Assert.Equal(0, await index.Instances.CountAsync());
        Assert.True((await storage.Store.StoreAsync(new MemoryStream(Variant("1.2.826.0.1.3680043.2.1125.10.2")), null)).Stored);
    }

    private sealed record Attempt(StoreOutcome? Outcome, Exception? Fault);

    private static async Task<StoreOutcome[]> StoreWhileLockedAsync(StorageHarness storage, byte[][] instances) =>
        (await StoreWhileLockedAsync(storage, instances, tolerateFaults: false)).Select(a => a.Fault is { } f ? throw f : a.Outcome!).ToArray();

    /// <summary>Holds the index write lock until every store has queued its rows, so that they commit as one group.</summary>
    private static async Task<Attempt[]> StoreWhileLockedAsync(StorageHarness storage, byte[][] instances, bool tolerateFaults)
    {
        Task<StoreOutcome>[] stores;
        await storage.WriteLock.WaitAsync(CancellationToken.None);
        try
        {
            stores = instances.Select(bytes => Task.Run(() => storage.Store.StoreAsync(new MemoryStream(bytes), null))).ToArray();
            await WaitUntilAsync(() => storage.Store.Commits.QueuedCount == instances.Length || stores.Any(s => s.IsFaulted));
        }
        finally
        {
            storage.WriteLock.Release();
        }
        var attempts = new Attempt[stores.Length];
        for (var i = 0; i < stores.Length; i++)
        {
            try
            {
                attempts[i] = new Attempt(await stores[i], null);
            }
            catch (Exception e) when (tolerateFaults)
            {
                attempts[i] = new Attempt(null, e);
            }
        }
        return attempts;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "stores did not queue in 30 s");
            await Task.Delay(5);
        }
    }

    private static byte[] Variant(string sop, string? description = null) => CtVariants.Make(sop, description);
}
