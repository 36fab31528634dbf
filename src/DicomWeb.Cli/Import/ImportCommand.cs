namespace DicomWeb.Cli.Import;

/// <summary><c>dicomweb import FOLDER --url URL …</c>: a folder tree into a DICOMweb server through STOW-RS.</summary>
public static class ImportCommand
{
    /// <summary>Runs the import; 0 when every DICOM file is stored, 1 when some failed, 2 on a usage error.</summary>
    /// <param name="args">The arguments after the verb.</param>
    /// <param name="output">Where the summary goes.</param>
    /// <param name="error">Where progress and errors go.</param>
    /// <param name="cancellationToken">Stops the import (Ctrl+C).</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var options = ImportOptions.Parse(args, out var problem);
        if (options == null)
        {
            await error.WriteLineAsync($"dicomweb import: {problem}\nusage: dicomweb import FOLDER --url URL [options]\n{ImportOptions.Usage}");
            return CommandLine.UsageError;
        }
        var terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        var importer = new StowImporter(options);
        using var stopProgress = new CancellationTokenSource();
        var progress = ImportReport.ShowProgressAsync(importer.Counters, error, terminal, stopProgress.Token);
        ImportResult result;
        try
        {
            result = await importer.RunAsync(cancellationToken);
        }
        finally
        {
            await stopProgress.CancelAsync();
            await progress;
        }
        await output.WriteAsync(ImportReport.Summary(result, options.Folder));
        return result.AllStored ? CommandLine.Success : CommandLine.InvalidInput;
    }
}
