Console.Error.WriteLine("usage: InferenceApi.Trainer train image-classification --data FILE --epochs N --out DIR");
return 2;
