using System.IO.Compression;

namespace StratX.Ingestion.Parsing;

/// <summary>
/// The files of a recording or of the history tables, by their name relative to its folder
/// ("openf1_json/laps.json", "car_data/driver_01.csv.gz", "safety_cars.csv"): read from the folder on disk,
/// or from contents held in memory (the fuzz targets). The readers ask for files through this alone, so both
/// run the same code.
/// </summary>
internal sealed class SourceFiles
{
    private readonly Func<string, byte[]?> _bytes;
    private readonly Func<string, Stream?> _open;
    private readonly Func<string, bool> _exists;

    private SourceFiles(string name, Func<string, bool> exists, Func<string, byte[]?> bytes, Func<string, Stream?> open)
    {
        Name = name;
        _exists = exists;
        _bytes = bytes;
        _open = open;
    }

    /// <summary>The folder's full path, or the name the files in memory were given.</summary>
    public string Name { get; }

    public static SourceFiles Folder(string folder)
    {
        string? Existing(string file) => Path.Combine(folder, file) is var path && File.Exists(path) ? path : null;
        return new(
            folder,
            file => Existing(file) is not null,
            file => Existing(file) is { } path ? File.ReadAllBytes(path) : null,
            file => Existing(file) is { } path ? File.OpenRead(path) : null);
    }

    /// <summary>Files held in memory: each file's whole contents (a .gz file compressed, as on disk), not copied.</summary>
    public static SourceFiles InMemory(string name, IReadOnlyDictionary<string, byte[]> files) => new(
        name,
        files.ContainsKey,
        file => files.GetValueOrDefault(file),
        file => files.TryGetValue(file, out var bytes) ? new MemoryStream(bytes, writable: false) : null);

    public bool Exists(string file) => _exists(file);

    /// <summary>The file's bytes, or a clear error naming it when it is missing.</summary>
    public byte[] ReadAllBytes(string file) => _bytes(file) ?? throw Missing(file);

    /// <summary>The file as text (decompressed when its name ends in .gz; a BOM picks the encoding, UTF-8 otherwise).</summary>
    public TextReader OpenText(string file)
    {
        var stream = _open(file) ?? throw Missing(file);
        if (file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        return new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
    }

    private FileNotFoundException Missing(string file) =>
        new($"{file} is missing ({Path.Combine(Name, file)}).", Path.Combine(Name, file));
}
