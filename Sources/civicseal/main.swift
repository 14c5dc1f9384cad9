import CivicSealApp
print("civicseal")
