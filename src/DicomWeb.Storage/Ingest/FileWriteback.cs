using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DicomWeb.Storage.Ingest;

/// <summary>
/// Starts writing a file's dirty pages to disk without waiting for them (Linux <c>sync_file_range</c>), so that the
/// fsync that follows finds the data already on its way and mostly has to commit. Only a hint: elsewhere, or when
/// the call is not available, it does nothing and the fsync does all the work.
/// </summary>
internal static partial class FileWriteback
{
    private const uint SyncFileRangeWrite = 2;
    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Starts the writeback of everything written to <paramref name="handle"/> so far.</summary>
    public static void Start(SafeFileHandle handle)
    {
        if (_unavailable) return;
        try
        {
            // A failure (e.g. a file system without writeback) leaves the work to fsync, which reports real errors.
            SyncFileRange(handle, 0, 0, SyncFileRangeWrite);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long nbytes, uint flags);
}
